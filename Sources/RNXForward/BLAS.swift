import COpenBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, loaded on the first forward pass rather than when `rnx` starts, and kept to one thread.
///
/// OpenBLAS starts its thread pool as the library is loaded, and the idle workers spin (`sched_yield`) for about
/// 0.1 s on the other cores. Linked into `rnx`, every command paid for that although only the forward pass does
/// matrix work: `rnx inspect --check-data` on resnet152 ran 30% slower with a core taken, and convert's hashing
/// threads competed with the spinning workers. So the library is opened with `dlopen` when a plan is made, and
/// with `OPENBLAS_NUM_THREADS=1`: rnx splits each GEMM over its own threads (`multiply`), so OpenBLAS needs no pool.
///
/// Before handing out `sgemm`, `load` makes sure the library runs the best kernels this CPU has (`OpenBLASCore`):
/// it asks the loaded library which core its own detection picked, and when that is less than what CPUID and
/// XGETBV say the CPU runs, closes it and opens it again with `OPENBLAS_CORETYPE` set (which OpenBLAS reads as it
/// loads). A user's own `OPENBLAS_CORETYPE` is left alone. `kernels` says what ran and why.
struct BLAS: Sendable {
    typealias Sgemm = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Float, UnsafePointer<Float>?,
        blasint, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint
    ) -> Void
    typealias SetThreadCount = @convention(c) (Int32) -> Void
    typealias Text = @convention(c) () -> UnsafeMutablePointer<CChar>?

    /// `cblas_sgemm`, single-threaded.
    let sgemm: Sgemm
    /// The kernels `sgemm` runs and who chose them.
    let kernels: KernelReport

    /// The names tried, in order: the runtime library Debian's `libopenblas0` installs, then the development link.
    static let libraryNames = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"]

    private static let loaded = load(from: libraryNames)

    /// OpenBLAS's functions, loading the library on the first call.
    static func load() throws -> BLAS { try loaded.get() }

    /// Opens the first of `names` that loads and has both functions; the failure names the last reason.
    static func load(from names: [String]) -> Result<BLAS, ForwardError> {
        var reasons: [String] = []
        // Read by OpenBLAS as it loads: no worker threads are started at all. (Left alone when already "1", as
        // `make test` sets it: setenv while other test threads read the environment is not safe in glibc.)
        if getenv("OPENBLAS_NUM_THREADS").map({ String(cString: $0) }) != "1" { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
        for name in names {
            // Loaded already (by a host program): its core was fixed then, and closing our handle will not unload it.
            let loadedBefore = dlopen(name, RTLD_NOW | RTLD_NOLOAD).map { dlclose($0); return true } ?? false
            guard var library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            guard dlsym(library, "cblas_sgemm") != nil, dlsym(library, "openblas_set_num_threads") != nil else {
                reasons.append("\(name) has no cblas_sgemm or openblas_set_num_threads")
                continue
            }
            let kernels = chooseKernels(&library, name: name, loadedBefore: loadedBefore)
            guard let sgemm = dlsym(library, "cblas_sgemm"), let threads = dlsym(library, "openblas_set_num_threads")
            else {
                reasons.append("\(name) has no cblas_sgemm or openblas_set_num_threads after reloading")
                continue
            }
            // In case the library was loaded before (by a host program) with a pool of its own.
            let setThreadCount = unsafeBitCast(threads, to: SetThreadCount.self)
            setThreadCount(1)
            return .success(BLAS(sgemm: unsafeBitCast(sgemm, to: Sgemm.self), kernels: kernels))
        }
        return .failure(.blasUnavailable(reason: reasons.last ?? "no library name to try"))
    }

    /// Keeps or replaces the core of the open `library` (see the type's comment), leaving `library` open on the
    /// kernels reported.
    private static func chooseKernels(
        _ library: inout UnsafeMutableRawPointer, name: String, loadedBefore: Bool
    ) -> KernelReport {
        let cpu = CPUFeatures.current
        let config = text(library, "openblas_get_config") ?? ""
        let words = config.split(separator: " ")
        let version = words.first == "OpenBLAS" && words.count > 1 ? String(words[1]) : "unknown"
        func report(_ chosenBy: KernelReport.ChosenBy, _ reason: String) -> KernelReport {
            KernelReport(library: "OpenBLAS", version: version, core: text(library, "openblas_get_corename") ?? "unknown",
                         chosenBy: chosenBy, reason: reason, cpu: cpu)
        }
        if let user = getenv("OPENBLAS_CORETYPE").map({ String(cString: $0) }) {
            let core = text(library, "openblas_get_corename") ?? ""
            let taken = core.lowercased() == user.lowercased() ? "" : " (not a core this library forces by name)"
            return report(.user, "OPENBLAS_CORETYPE=\(user)\(taken)")
        }
        guard let picked = text(library, "openblas_get_corename") else {
            return report(.library, "this OpenBLAS does not say which core it runs")
        }
        guard config.contains("DYNAMIC_ARCH") else {
            return report(.library, "this OpenBLAS was built for one core (no DYNAMIC_ARCH)")
        }
        let candidates: [String], reason: String
        switch OpenBLASCore.decide(picked: picked, cpu: cpu) {
        case .keep(let why): return report(.library, why)
        case .force(let better, let why): (candidates, reason) = (better, why)
        }
        guard !loadedBefore else {
            return report(.library, "\(reason), but OpenBLAS was loaded before rnx and keeps its core")
        }
        for candidate in candidates {
            guard reopen(&library, name: name, core: candidate) else {
                return report(.library, "\(reason), but OpenBLAS did not unload to take another core")
            }
            if text(library, "openblas_get_corename")?.lowercased() == candidate.lowercased() {
                return report(.rnx, reason)
            }
        }
        // None took: back to the library's own choice.
        unsetenv("OPENBLAS_CORETYPE")
        _ = reopen(&library, name: name, core: nil)
        return report(.library, "\(reason), but OpenBLAS refused \(candidates.joined(separator: ", "))")
    }

    /// Closes `library` and opens `name` again with `OPENBLAS_CORETYPE=core` (or as it is, for nil); false when
    /// it stays loaded (another reference holds it) or does not open again, `library` then being the open handle.
    private static func reopen(_ library: inout UnsafeMutableRawPointer, name: String, core: String?) -> Bool {
        dlclose(library)
        if let still = dlopen(name, RTLD_NOW | RTLD_NOLOAD) {
            library = still
            return false
        }
        if let core { setenv("OPENBLAS_CORETYPE", core, 1) }
        guard let reopened = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            // The same file opened a moment ago; should it fail now, the original load is the best left.
            unsetenv("OPENBLAS_CORETYPE")
            if let again = dlopen(name, RTLD_NOW | RTLD_LOCAL) { library = again }
            return false
        }
        library = reopened
        return true
    }

    /// The C string a no-argument function of `library` returns, or nil if the library has no such function.
    private static func text(_ library: UnsafeMutableRawPointer, _ symbol: String) -> String? {
        guard let function = dlsym(library, symbol) else { return nil }
        return unsafeBitCast(function, to: Text.self)().map { String(cString: $0) }
    }
}
