import RNXForward

/// One of an image's most probable classes, with its label.
public struct Prediction: Sendable, Equatable {
    /// The classifier row.
    public let index: Int
    /// The class's name.
    public let label: String
    /// softmax of the logits, for this row.
    public let probability: Float

    /// A class with its name and probability.
    public init(index: Int, label: String, probability: Float) {
        self.index = index
        self.label = label
        self.probability = probability
    }

    /// The `k` most probable classes of `logits`, most probable first: ``/RNXForward/ClassScore/top(_:of:)``'s
    /// ranking with `labels` attached (`class_N` past their end).
    public static func top(_ k: Int, logits: some Collection<Float>, labels: [String]) -> [Prediction] {
        ClassScore.top(k, of: logits).map {
            Prediction(index: $0.index, label: $0.index < labels.count ? labels[$0.index] : "class_\($0.index)",
                       probability: Float($0.probability))
        }
    }
}
