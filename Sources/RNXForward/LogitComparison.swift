/// How close logits are to reference logits: the figures `rnx validate` reports and its pass criterion.
public struct LogitComparison: Sendable, Equatable {
    /// Samples compared (rows).
    public let samples: Int
    /// Classes per sample (columns).
    public let classes: Int
    /// max |logit − reference|.
    public let maxAbsoluteError: Double
    /// `maxAbsoluteError` divided by max |reference|: the tolerance is stated in these terms.
    public let relativeError: Double
    /// Cosine similarity of the two arrays taken as flat vectors.
    public let cosineSimilarity: Double
    /// Samples whose arg-max agrees.
    public let top1Matches: Int
    /// Samples whose five highest classes are the same set.
    public let top5Matches: Int
    /// Whether every value of both arrays is finite.
    public let allFinite: Bool

    /// Compares `logits` with `reference`, both `[samples, classes]` row-major.
    ///
    /// - Parameters:
    ///   - logits: rnx's logits.
    ///   - reference: the reference's (PyTorch's, or another file's) logits.
    ///   - shape: the shape of `logits`.
    ///   - referenceShape: the shape of `reference`; it must equal `shape`.
    /// - Throws: ``ForwardError/logitShapeMismatch(expected:found:)`` when the shapes differ.
    public init(logits: [Float], reference: [Float], shape: [Int], referenceShape: [Int]) throws {
        guard shape == referenceShape, shape.count == 2, logits.count == reference.count else {
            throw ForwardError.logitShapeMismatch(expected: referenceShape, found: shape)
        }
        samples = shape[0]
        classes = shape[1]
        var maxError = 0.0, maxReference = 0.0, dot = 0.0, normA = 0.0, normB = 0.0
        var finite = true
        for (a, b) in zip(logits, reference) {
            let x = Double(a), y = Double(b)
            finite = finite && x.isFinite && y.isFinite
            maxError = max(maxError, abs(x - y))
            maxReference = max(maxReference, abs(y))
            dot += x * y
            normA += x * x
            normB += y * y
        }
        allFinite = finite
        maxAbsoluteError = finite ? maxError : .infinity
        relativeError = !finite ? .infinity : maxReference > 0 ? maxError / maxReference : (maxError == 0 ? 0 : .infinity)
        cosineSimilarity = normA > 0 && normB > 0 ? dot / (normA.squareRoot() * normB.squareRoot()) : (normA == normB ? 1 : 0)
        var top1 = 0, top5 = 0
        for sample in 0..<samples {
            let row = sample * classes..<(sample + 1) * classes
            let ours = Self.ranking(logits[row]), theirs = Self.ranking(reference[row])
            if ours.first == theirs.first { top1 += 1 }
            if Set(ours.prefix(5)) == Set(theirs.prefix(5)) { top5 += 1 }
        }
        top1Matches = top1
        top5Matches = top5
    }

    /// Whether the logits are within `relativeTolerance` and every sample has the same top-1 class.
    ///
    /// - Parameter relativeTolerance: the largest ``relativeError`` accepted (the dtype's tolerance).
    public func passes(relativeTolerance: Double) -> Bool {
        allFinite && relativeError <= relativeTolerance && top1Matches == samples
    }

    /// Class indices by decreasing logit (ties: lower index first, like torch.argmax).
    static func ranking(_ row: ArraySlice<Float>) -> [Int] {
        let base = row.startIndex
        return row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.map { $0 - base }
    }
}
