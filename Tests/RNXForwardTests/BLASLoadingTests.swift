import COpenBLAS
import Testing

@testable import RNXForward

/// OpenBLAS is opened on the first forward pass, not linked: what loads, and what a missing library says.
struct BLASLoadingTests {
    /// The loaded `cblas_sgemm` multiplies: [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
    @Test func openBLASLoadsAndMultiplies() throws {
        let blas = try BLAS.load()
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: 0, count: 4)
        blas.setThreadCount(1)
        c.withUnsafeMutableBufferPointer { c in
            blas.sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, c.baseAddress, 2)
        }
        #expect(c == [19, 22, 43, 50])
    }

    /// A library that is not there: the error says what the forward pass needs and why it failed, exit 74.
    @Test func missingLibraryIsAnIOErrorNamingOpenBLAS() throws {
        let result = BLAS.load(from: ["libopenblas-not-installed.so.0"])
        guard case .failure(let error) = result, case .blasUnavailable(let reason) = error else {
            Issue.record("loaded a library that does not exist: \(result)")
            return
        }
        #expect(reason.contains("libopenblas-not-installed.so.0"), "\(reason)")
        #expect(error.description == "cannot load OpenBLAS, which the forward pass needs (install libopenblas0): \(reason)")
        #expect(error.category.exitStatus == 74)
    }
}
