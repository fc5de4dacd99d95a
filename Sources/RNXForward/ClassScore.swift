import Foundation

/// One class of one image: its index in the classifier, its score and its softmax probability.
///
/// The one ranking of logits in rnx: `Logits.top` (the `RNX` module) and `Prediction.top` (RNXPredict, with
/// labels) both come from ``top(_:of:)``.
public struct ClassScore: Sendable, Equatable {
    /// The classifier row.
    public let index: Int
    /// The raw score.
    public let logit: Float
    /// The softmax probability, between 0 and 1.
    public let probability: Double

    /// A class with its score and probability.
    public init(index: Int, logit: Float, probability: Double) {
        self.index = index
        self.logit = logit
        self.probability = probability
    }

    /// The softmax of one image's logits, in double precision, the largest subtracted first (as torch does).
    public static func softmax(_ logits: some Collection<Float>) -> [Double] {
        guard let largest = logits.max() else { return [] }
        let exponentials = logits.map { exp(Double($0) - Double(largest)) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// The `k` highest-scoring classes of one image's `logits`, best first; ties keep the lower class index first
    /// (as `torch.topk` on CPU does for equal values).
    public static func top(_ k: Int, of logits: some Collection<Float>) -> [ClassScore] {
        let row = Array(logits)
        let probabilities = softmax(row)
        let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        return order.prefix(max(0, k)).map { ClassScore(index: $0, logit: row[$0], probability: probabilities[$0]) }
    }
}
