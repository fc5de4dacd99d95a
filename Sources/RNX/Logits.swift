import Foundation

/// The output of a forward pass: one row of class scores per image, `[imageCount, classCount]` row-major.
public struct Logits: Sendable, Equatable {
    /// Every score, image after image.
    public let values: [Float]
    /// How many images the batch held.
    public let imageCount: Int
    /// How many classes the classifier has.
    public let classCount: Int

    /// Wraps `values`, which must hold `imageCount × classCount` scores (a precondition: a wrong count is a
    /// programming error, not bad input).
    ///
    /// - Parameters:
    ///   - values: the scores, image after image.
    ///   - imageCount: the rows.
    ///   - classCount: the columns.
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

    /// The softmax of image `image`'s scores, computed in double precision (so tiny probabilities do not vanish).
    ///
    /// - Parameter image: a row index below ``imageCount``.
    /// - Returns: one probability per class, summing to 1.
    public func probabilities(image: Int) -> [Double] {
        ClassScore.softmax(self[image])
    }

    /// The `k` highest-scoring classes of image `image`, best first; ties keep the lower class index first, so
    /// the order is the same on every run.
    ///
    /// - Parameters:
    ///   - k: how many classes; more than ``classCount`` gives them all, less than 1 none.
    ///   - image: a row index below ``imageCount``.
    /// - Returns: the classes with their scores and probabilities.
    public func top(_ k: Int, image: Int) -> [ClassScore] {
        ClassScore.top(k, of: self[image])
    }
}
