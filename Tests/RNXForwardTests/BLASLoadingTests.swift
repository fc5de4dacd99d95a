import COpenBLAS
import RNXArch
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

    /// GEMMs split over threads give the plain product: seeded random matrices, split along rows (rows > columns)
    /// and along columns, sizes that are not multiples of the 16-element granule, 1 to 3 threads, leading dimensions
    /// wider than the matrices (padding that must stay untouched), against a double-precision triple loop.
    /// (All but the 1×1×1 case are large enough for `parallelFor` to split them.)
    @Test(arguments: [(rows: 300, columns: 7, depth: 40), (rows: 3, columns: 1001, depth: 50),
                      (rows: 64, columns: 64, depth: 33), (rows: 17, columns: 49, depth: 300), (rows: 1, columns: 1, depth: 1)])
    func partitionedProductMatchesTripleLoop(_ size: (rows: Int, columns: Int, depth: Int)) throws {
        let blas = try BLAS.load()
        let (lda, ldb, ldc) = (size.depth + 3, size.columns + 5, size.columns + 2)
        var random = SplitMix64(seed: UInt64(size.rows * 1000 + size.columns))
        let a = (0..<size.rows * lda).map { _ in Float(Double(random.next() >> 11) / Double(1 << 53) * 2 - 1) }
        let b = (0..<size.depth * ldb).map { _ in Float(Double(random.next() >> 11) / Double(1 << 53) * 2 - 1) }
        var expected = [Double](repeating: 0, count: size.rows * size.columns)
        for i in 0..<size.rows {
            for j in 0..<size.columns {
                for k in 0..<size.depth { expected[i * size.columns + j] += Double(a[i * lda + k]) * Double(b[k * ldb + j]) }
            }
        }
        for threads in 1...3 {
            var c = [Float](repeating: .nan, count: size.rows * ldc)
            c.withUnsafeMutableBufferPointer { c in
                blas.multiply(rows: size.rows, columns: size.columns, depth: size.depth, a: a, lda: lda,
                              b: b, ldb: ldb, c: c.baseAddress!, ldc: ldc, threads: threads)
            }
            for i in 0..<size.rows {
                for j in 0..<ldc {
                    let value = c[i * ldc + j]
                    if j < size.columns {
                        let error = abs(Double(value) - expected[i * size.columns + j])
                        // A NaN left by a block nobody computed fails this comparison too.
                        #expect(error < 1e-4 * Double(size.depth), "threads \(threads), [\(i), \(j)]: \(value)")
                    } else {
                        #expect(value.isNaN, "threads \(threads): padding [\(i), \(j)] was written")
                    }
                }
            }
        }
    }
}
