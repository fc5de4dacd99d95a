import RNXTensor

/// Running large batches in chunks, so memory stays bounded and progress can be shown.
extension ForwardModel {
    /// Runs `[N, C, H, W]` input in chunks of at most `chunk` images and returns `[N, numClasses]` logits.
    /// `progress` is called after each chunk with (images done, images in all).
    ///
    /// - Parameters:
    ///   - input: `N·C·H·W` values, already normalised.
    ///   - shape: `[N, C, H, W]`.
    ///   - threads: threads for each chunk's pass.
    ///   - chunk: the most images in one pass, which bounds the activations' memory.
    ///   - progress: called on the calling thread after each chunk, e.g. to draw a bar.
    /// - Throws: ``ForwardError`` for a shape that does not fit or a chunk below 1.
    public func run(
        _ input: [Float], shape: [Int], threads: Int, chunk: Int, progress: ((Int, Int) -> Void)? = nil
    ) throws -> [Float] {
        guard shape.count == 4 else { throw ForwardError.inputRank(shape: shape) }
        guard chunk >= 1 else { throw ForwardError.invalidSetting(name: "chunk", value: chunk) }
        let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        guard batch >= 1 else { throw ForwardError.emptyBatch }
        guard let count = CheckedArithmetic.product(shape), count == input.count else {
            throw ForwardError.shapeMismatch(name: "input", expected: shape, found: [input.count])
        }
        var plans: [Int: ForwardPlan] = [:]
        var logits: [Float] = []
        logits.reserveCapacity(batch * config.numClasses)
        let imageSize = channels * height * width
        var start = 0
        while start < batch {
            let count = min(chunk, batch - start)
            let plan = try plans[count] ?? ForwardPlan(model: self, batch: count, channels: channels, height: height,
                                                       width: width, threads: threads)
            plans[count] = plan
            logits += try input.withUnsafeBufferPointer { values in
                try plan.run(UnsafeBufferPointer(rebasing: values[start * imageSize..<(start + count) * imageSize]))
            }
            start += count
            progress?(start, batch)
        }
        return logits
    }
}
