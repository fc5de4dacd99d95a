import Dispatch
import Foundation

/// The thread count of the forward pass, and how rnx splits work over it: GEMMs (one single-threaded OpenBLAS call
/// per block), copies and epilogues.
public enum ForwardThreads {
    /// All cores, the default of `--threads`.
    public static var defaultCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body` over `0..<count` split into at most `threads` contiguous chunks, in parallel when the work
    /// (`count * costPerItem` elements) is large enough to pay for the dispatch.
    static func parallelFor(
        _ count: Int, threads: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        let chunks = min(threads, count)
        if chunks <= 1 || count * costPerItem < 16_384 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            // The chunks are disjoint ranges and every caller writes only its own range's rows.
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                work(start..<end)
            }
        }
    }
}
