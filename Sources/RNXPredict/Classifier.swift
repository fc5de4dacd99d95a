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
        let results = preprocessing.batch(images.count, threads: threads) { index, slot in
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

    /// What ``preprocessBatch(_:_:)`` made: the batch tensor, and the slots whose image failed (left zero).
    public typealias BatchResult = Preprocessing.Batch

    /// Fills slot `i` of a `[count, 3, crop, crop]` tensor with `fill(i, slot)` for each i, `threads` at a time;
    /// a slot whose `fill` throws is reported and left zero, the others go on.
    public func preprocessBatch(
        _ count: Int, _ fill: @Sendable (Int, UnsafeMutableBufferPointer<Float>) throws -> Void
    ) throws -> BatchResult {
        preprocessing.batch(count, threads: threads, fill)
    }

    /// Classifies the image files at `paths`, `batchSize` images per forward pass, and hands each file's outcome
    /// to `each(index, outcome)` in order: its `top` classes, or why it could not be read (the others go on).
    ///
    /// While one batch runs through the network, the next is decoded and preprocessed on another thread, so the
    /// cores the forward pass leaves idle do that work. Errors of the forward pass itself are thrown.
    public func classify(
        contentsOfFiles paths: [String], top: Int = 5, batchSize: Int = 8,
        each: (Int, Result<[Prediction], Error>) throws -> Void
    ) throws {
        let size = max(1, batchSize)
        let chunks = stride(from: 0, to: paths.count, by: size).map { $0..<min($0 + size, paths.count) }
        guard let first = chunks.first else { return }
        // The first batch gets every thread; later ones are made beside a forward pass, on one thread less.
        var pending = PendingBatch(self, files: Array(paths[first]), threads: threads)
        for (number, chunk) in chunks.enumerated() {
            let batch = pending.wait()
            if number + 1 < chunks.count {
                pending = PendingBatch(self, files: Array(paths[chunks[number + 1]]), threads: max(1, threads - 1))
            }
            let failed = Dictionary(batch.failures.map { ($0.index, $0.error) }, uniquingKeysWith: { a, _ in a })
            let good = (0..<chunk.count).filter { failed[$0] == nil }
            var predictions: [Int: [Prediction]] = [:]
            if !good.isEmpty {
                let slot = 3 * preprocessing.crop * preprocessing.crop
                var input = batch.tensor
                if good.count < chunk.count {
                    input = []
                    input.reserveCapacity(good.count * slot)
                    for index in good { input += batch.tensor[(index * slot)..<((index + 1) * slot)] }
                }
                let logits = try run(input, count: good.count)
                for (row, index) in good.enumerated() {
                    predictions[index] = Prediction.top(
                        top, logits: logits[(row * labels.count)..<((row + 1) * labels.count)], labels: labels)
                }
            }
            for index in 0..<chunk.count {
                if let error = failed[index] {
                    try each(chunk.lowerBound + index, .failure(error))
                } else if let list = predictions[index] {
                    try each(chunk.lowerBound + index, .success(list))
                }
            }
        }
    }
}

/// A batch being decoded and preprocessed on a thread of its own.
private final class PendingBatch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before it signals `done`, read only after waiting on it.
    private var result: Preprocessing.Batch?

    init(_ classifier: Classifier, files: [String], threads: Int) {
        DispatchQueue.global().async { [self] in
            result = classifier.preprocessing.batch(contentsOfFiles: files, decoder: classifier.decoder, threads: threads)
            done.signal()
        }
    }

    func wait() -> Preprocessing.Batch {
        done.wait()
        return result ?? Preprocessing.Batch(tensor: [], failures: [])
    }
}
