import Foundation

/// The output of a forward pass: one row of class scores per image, `[imageCount, classCount]` row-major.
public struct Logits: Sendable, Equatable {
    /// Every score, image after image.
    public let values: [Float]
    /// How many images the batch held.
    public let imageCount: Int
    /// How many classes the classifier has.
    public let classCount: Int

    /// Wraps `values`, which must hold `imageCount × classCount` scores.
    public init(values: [Float], imageCount: Int, classCount: Int) {
        precondition(values.count == imageCount * classCount, "logits do not fill [\(imageCount), \(classCount)]")
        self.values = values
        self.imageCount = imageCount
        self.classCount = classCount
    }

    /// The scores of image `image`.
    public subscript(image: Int) -> ArraySlice<Float> {
        values[image * classCount..<(image + 1) * classCount]
    }

    /// The softmax of image `image`'s scores, computed in double precision.
    public func probabilities(image: Int) -> [Double] {
        ClassScore.softmax(self[image])
    }

    /// The `k` highest-scoring classes of image `image`, best first; ties keep the lower class index first.
    public func top(_ k: Int, image: Int) -> [ClassScore] {
        ClassScore.top(k, of: self[image])
    }
}
