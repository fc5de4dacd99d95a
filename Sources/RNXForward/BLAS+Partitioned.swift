import COpenBLAS

/// GEMMs split over rnx's threads, each part a single-threaded OpenBLAS call.
///
/// OpenBLAS's own threads synchronise inside every GEMM and busy-wait (`sched_yield`) between them: 15% of a
/// resnet50 batch-1 profile was its idle workers yielding. Splitting the output into one contiguous block per thread
/// instead, with OpenBLAS kept to one thread, needs no synchronisation but the end of the call, and measured
/// 2-3% faster at batch 1 and 8 on two cores (`make bench`, alternating runs), with no core spinning between layers.
extension BLAS {
    /// Block boundaries fall on multiples of this many output rows or columns: OpenBLAS's sgemm kernels here work in
    /// tiles of 16 along the columns (and of a divisor of 16 along the rows), so no block ends in a partial tile.
    static let partitionGranule = 16

    /// `c[rows][columns] = a[rows][depth] · b[depth][columns]`, row-major with leading dimensions `lda`, `ldb`, `ldc`,
    /// split over up to `threads` threads along whichever of rows and columns is longer.
    ///
    /// Splitting the longer side keeps each thread's share of the shorter operand whole: its packing is repeated on
    /// every thread, so it should be the smaller one (the weights for early layers, the activations for late ones).
    func multiply(
        rows: Int, columns: Int, depth: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let byColumns = columns >= rows
        let extent = byColumns ? columns : rows
        let granules = (extent + Self.partitionGranule - 1) / Self.partitionGranule
        let other = byColumns ? rows : columns
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        ForwardThreads.parallelFor(granules, threads: threads, costPerItem: Self.partitionGranule * other * depth) { part in
            let start = part.lowerBound * Self.partitionGranule
            let end = min(part.upperBound * Self.partitionGranule, extent)
            guard end > start else { return }
            if byColumns {
                sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(end - start), Int32(depth), 1,
                      a, Int32(lda), b + start, Int32(ldb), 0, c + start, Int32(ldc))
            } else {
                sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(end - start), Int32(columns), Int32(depth), 1,
                      a + start * lda, Int32(lda), b, Int32(ldb), 0, c + start * ldc, Int32(ldc))
            }
        }
    }
}
