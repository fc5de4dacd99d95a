import Dispatch
import Foundation

/// Batches: many images into one `[N, 3, crop, crop]` tensor, several at a time.
extension Preprocessing {
    /// What ``batch(_:threads:_:)`` made: the batch tensor, and the slots whose image failed (left zero).
    public struct Batch: Sendable {
        /// `[count, 3, crop, crop]` float32, image after image.
        public var tensor: [Float]
        /// The images that could not be made, by index, in index order.
        public var failures: [(index: Int, error: Error)]

        /// A batch made elsewhere.
        public init(tensor: [Float], failures: [(index: Int, error: Error)]) {
            self.tensor = tensor
            self.failures = failures
        }
    }

    /// Fills slot `i` of a `[count, 3, crop, crop]` tensor with `fill(i, slot)` for each i, `threads` at a time;
    /// a slot whose `fill` throws is recorded in ``Batch/failures`` and left zero, the others go on.
    public func batch(
        _ count: Int, threads: Int, _ fill: @Sendable (Int, UnsafeMutableBufferPointer<Float>) throws -> Void
    ) -> Batch {
        let slotSize = 3 * crop * crop
        var tensor = [Float](repeating: 0, count: count * slotSize)
        let errors = ErrorSlots(count: count)
        let workers = max(1, min(threads, count))
        tensor.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            nonisolated(unsafe) let base = start
            // Each worker takes images i ≡ w (mod workers): each writes only its own slots.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < count {
                    let slot = UnsafeMutableBufferPointer(start: base + index * slotSize, count: slotSize)
                    do { try fill(index, slot) } catch { errors.set(index, error) }
                    index += workers
                }
            }
        }
        return Batch(tensor: tensor, failures: errors.failures)
    }

    /// Decodes the image files at `paths` with `decoder` and preprocesses them into one batch, `threads` at a time.
    public func batch(contentsOfFiles paths: [String], decoder: ImageDecoder = ImageDecoder(), threads: Int) -> Batch {
        batch(paths.count, threads: threads) { index, slot in
            try write(try decoder.decode(contentsOfFile: paths[index]), into: slot)
        }
    }
}

/// Per-image errors written from several threads, each to its own index.
private final class ErrorSlots: @unchecked Sendable {
    private var errors: [Error?]
    private let lock = NSLock()

    init(count: Int) { errors = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ error: Error) {
        lock.lock()
        errors[index] = error
        lock.unlock()
    }

    var failures: [(index: Int, error: Error)] {
        lock.lock()
        defer { lock.unlock() }
        return errors.enumerated().compactMap { item in item.element.map { (item.offset, $0) } }
    }
}
