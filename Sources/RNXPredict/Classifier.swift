import Dispatch
import Foundation
import RNXArch
import RNXForward
import RNXImage

/// Photos in, classes out: decode (libjpeg-turbo, libpng), torchvision's preprocessing, the forward pass, softmax.
///
/// ```swift
/// let classifier = try Classifier(contentsOfFile: "resnet50.rnw")
/// for p in try classifier.classify(contentsOfFile: "cat.jpg", top: 5) {
///     print(p.label, p.probability)
/// }
/// ```
public final class Classifier: Sendable {
    public let model: ForwardModel
    /// One name per classifier row.
    public let labels: [String]
    public let preprocessing: Preprocessing
    public let decoder: ImageDecoder
    /// Threads for decoding (one image each) and for the forward pass.
    public let threads: Int

    /// The preset a model's family was trained with: `cifar` for the CIFAR nets, `imagenet` otherwise.
    public static func preset(for config: ResNetConfig) -> Preprocessing.Preset {
        config.family == .cifar ? .cifar : .imagenet
    }

    public init(
        model: ForwardModel, labels: [String]? = nil, preprocessing: Preprocessing? = nil,
        decoder: ImageDecoder = ImageDecoder(), threads: Int = ForwardThreads.defaultCount
    ) throws {
        let preprocessing = preprocessing ?? Preprocessing(preset: Self.preset(for: model.config))
        try preprocessing.validate()
        let labels = labels ?? ClassLabels.defaults(for: model.config)
        guard labels.count == model.config.numClasses else {
            throw ArchError.invalidLabels("\(labels.count) labels for a classifier of \(model.config.numClasses) classes")
        }
        self.model = model
        self.labels = labels
        self.preprocessing = preprocessing
        self.decoder = decoder
        self.threads = max(1, threads)
    }

    /// Loads a model file (any checkpoint or `.rnw`) with its recorded or default labels and its family's preset.
    public convenience init(contentsOfFile path: String, threads: Int = ForwardThreads.defaultCount) throws {
        let loaded = try ModelLoader.load(path)
        try self.init(model: loaded.model, labels: loaded.labels, threads: threads)
    }

    /// The `top` most probable classes for the image file at `path`.
    public func classify(contentsOfFile path: String, top: Int = 5) throws -> [Prediction] {
        try classify([try decoder.decode(contentsOfFile: path)], top: top)[0]
    }

    /// The `top` most probable classes for each image, run as one batch.
    public func classify(_ images: [RGBImage], top: Int = 5) throws -> [[Prediction]] {
        let batch = try tensor(images)
        let logits = try run(batch, count: images.count)
        return (0..<images.count).map { image in
            let row = logits[(image * labels.count)..<((image + 1) * labels.count)]
            return Prediction.top(top, logits: row, labels: labels)
        }
    }

    /// The `[N, 3, crop, crop]` input for `images`, preprocessed in parallel.
    public func tensor(_ images: [RGBImage]) throws -> [Float] {
        let results = try preprocessBatch(images.count) { index, slot in
            try preprocessing.write(images[index], into: slot)
        }
        if let failure = results.failures.first { throw failure.error }
        return results.tensor
    }

    /// The logits of a preprocessed batch of `count` images.
    public func run(_ batch: [Float], count: Int) throws -> [Float] {
        let side = preprocessing.crop
        return try model.run(batch, shape: [count, 3, side, side], threads: threads, chunk: max(count, 1))
    }

    /// What `preprocessBatch` made: the batch tensor, and the slots whose image failed (left zero).
    public struct BatchResult: Sendable {
        public var tensor: [Float]
        public var failures: [(index: Int, error: Error)]
    }

    /// Fills slot `i` of a `[count, 3, crop, crop]` tensor with `fill(i, slot)` for each i, `threads` at a time;
    /// a slot whose `fill` throws is reported and left zero, the others go on.
    public func preprocessBatch(
        _ count: Int, _ fill: @Sendable (Int, UnsafeMutableBufferPointer<Float>) throws -> Void
    ) throws -> BatchResult {
        let slotSize = 3 * preprocessing.crop * preprocessing.crop
        var tensor = [Float](repeating: 0, count: count * slotSize)
        let errors = ErrorSlots(count: count)
        tensor.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            let workers = min(threads, count)
            // Each worker takes images i ≡ w (mod workers): each writes only its own slots.
            DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { worker in
                var index = worker
                while index < count {
                    let slot = UnsafeMutableBufferPointer(start: base + index * slotSize, count: slotSize)
                    do { try fill(index, slot) } catch { errors.set(index, error) }
                    index += max(workers, 1)
                }
            }
        }
        return BatchResult(tensor: tensor, failures: errors.failures)
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
        errors.enumerated().compactMap { item in item.element.map { (item.offset, $0) } }
    }
}
