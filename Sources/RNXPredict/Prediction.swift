/// One of an image's most probable classes.
public struct Prediction: Sendable, Equatable {
    /// The classifier row.
    public let index: Int
    public let label: String
    /// softmax of the logits, for this row.
    public let probability: Float

    public init(index: Int, label: String, probability: Float) {
        self.index = index
        self.label = label
        self.probability = probability
    }

    /// The softmax of one image's logits, computed in double precision (max subtracted first, as torch does).
    public static func softmax(_ logits: some Collection<Float>) -> [Float] {
        guard let top = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp(Double($0 - top)) }
        let sum = exps.reduce(0, +)
        return exps.map { Float($0 / sum) }
    }

    /// The `k` most probable classes of `logits`, most probable first (ties: the lower index first, like
    /// `torch.topk` on CPU for distinct values).
    public static func top(_ k: Int, logits: some Collection<Float>, labels: [String]) -> [Prediction] {
        let probabilities = softmax(logits)
        let order = probabilities.indices.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
        }
        return order.prefix(max(k, 0)).map {
            Prediction(index: $0, label: $0 < labels.count ? labels[$0] : "class_\($0)", probability: probabilities[$0])
        }
    }
}

import Foundation
