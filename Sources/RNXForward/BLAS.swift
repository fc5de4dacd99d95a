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
struct BLAS: Sendable {
    typealias Sgemm = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Float, UnsafePointer<Float>?,
        blasint, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint
    ) -> Void
    typealias SetThreadCount = @convention(c) (Int32) -> Void

    /// `cblas_sgemm`, single-threaded.
    let sgemm: Sgemm

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
            guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            guard let sgemm = dlsym(library, "cblas_sgemm"), let threads = dlsym(library, "openblas_set_num_threads")
            else {
                reasons.append("\(name) has no cblas_sgemm or openblas_set_num_threads")
                continue
            }
            // In case the library was loaded before (by a host program) with a pool of its own.
            let setThreadCount = unsafeBitCast(threads, to: SetThreadCount.self)
            setThreadCount(1)
            return .success(BLAS(sgemm: unsafeBitCast(sgemm, to: Sgemm.self)))
        }
        return .failure(.blasUnavailable(reason: reasons.last ?? "no library name to try"))
    }
}
