import CDNNL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// oneDNN's CPU engine, made once per process, and the calls the oneDNN plan shares.
///
/// Debian builds libdnnl with the OpenMP runtime (libgomp): its thread count is OpenMP's, which `setThreads` sets
/// before every pass from the calling thread (`omp_set_num_threads`, found with `dlsym` in the libgomp libdnnl
/// brought in, so rnx does not link OpenMP itself). oneDNN chooses its kernels from CPUID features, not from a table
/// of CPU models, so a CPU newer than the library still gets its best ISA; `ONEDNN_MAX_CPU_ISA` caps it (tests run
/// the reference logits under lesser ISAs that way).
final class OneDNN: @unchecked Sendable {
    typealias SetThreadCount = @convention(c) (Int32) -> Void

    let engine: dnnl_engine_t
    /// `2.6.3`.
    let version: String
    /// The instruction set oneDNN dispatches to here, e.g. `avx512_core_amx` (FP32 kernels use its AVX-512 part:
    /// every primitive runs with `fpmath_mode_strict`, so nothing is computed in bf16 on the AMX units).
    let isa: String
    private let setThreadCount: SetThreadCount?

    private static let loaded: Result<OneDNN, ForwardError> = {
        var engine: dnnl_engine_t?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        guard status == dnnl_success, let engine else {
            return .failure(.engineFailure(call: "dnnl_engine_create", status: Int(status.rawValue)))
        }
        return .success(OneDNN(engine: engine))
    }()

    /// The engine, made on the first call.
    static func shared() throws -> OneDNN { try loaded.get() }

    private init(engine: dnnl_engine_t) {
        self.engine = engine
        if let v = dnnl_version() {
            version = "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
        } else {
            version = "unknown"
        }
        isa = Self.isaName(dnnl_get_effective_cpu_isa())
        setThreadCount = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads")
            .map { unsafeBitCast($0, to: SetThreadCount.self) }
    }

    /// Sets the OpenMP team size of the calling thread's next parallel regions.
    func setThreads(_ count: Int) { setThreadCount?(Int32(clamping: count)) }

    static func isaName(_ isa: dnnl_cpu_isa_t) -> String {
        switch isa {
        case dnnl_cpu_isa_sse41: "sse41"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        default: "isa 0x\(String(isa.rawValue, radix: 16))"
        }
    }

    /// Throws `engineFailure` naming `call` unless `status` is success.
    static func check(_ status: dnnl_status_t, _ call: String) throws {
        guard status == dnnl_success else { throw ForwardError.engineFailure(call: call, status: Int(status.rawValue)) }
    }

    /// A descriptor of float32 `dims` in layout `tag` (`dnnl_format_tag_any` lets the primitive choose).
    static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let d = dims.map(Int64.init)
        try check(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dnnl_f32, tag), "dnnl_memory_desc_init_by_tag")
        return md
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    static func size(_ md: dnnl_memory_desc_t) -> Int {
        var md = md
        return dnnl_memory_desc_get_size(&md)
    }

    /// Attributes every primitive gets: FP32 arithmetic only (no implicit bf16 on AMX), the scratchpad owned by the
    /// library, and `postOps` (sum for the residual, then ReLU or the sigmoid).
    static func attributes(sum: Bool = false, eltwise: dnnl_alg_kind_t? = nil) throws -> dnnl_primitive_attr_t {
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
        guard let attr else { throw ForwardError.engineFailure(call: "dnnl_primitive_attr_create", status: -1) }
        try check(dnnl_primitive_attr_set_fpmath_mode(attr, dnnl_fpmath_mode_strict), "dnnl_primitive_attr_set_fpmath_mode")
        if sum || eltwise != nil {
            var ops: dnnl_post_ops_t?
            try check(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(ops) }
            if sum { try check(dnnl_post_ops_append_sum(ops, 1), "dnnl_post_ops_append_sum") }
            if let eltwise { try check(dnnl_post_ops_append_eltwise(ops, 1, eltwise, 0, 0), "dnnl_post_ops_append_eltwise") }
            try check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
        }
        return attr
    }
}
