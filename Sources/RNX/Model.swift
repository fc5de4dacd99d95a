import Foundation

/// A ResNet with its weights, ready to compute logits: what `rnx run` loads.
///
/// Loading maps the checkpoint onto its architecture, applies any adaptations in memory, folds BatchNorm into the
/// convolutions and keeps every weight as float32. A model is immutable and `Sendable`: any number of tasks may call
/// ``logits(for:shape:threads:)`` at once, each pass with buffers of its own.
///
/// ```swift
/// let model = try Model(contentsOf: URL(fileURLWithPath: "resnet18-f37072fd.pth"))
/// let logits = try model.logits(for: pixels, shape: [1, 3, 224, 224])
/// print(logits.top(5, image: 0))
/// ```
public final class Model: Sendable {
    /// The architecture the weights were mapped onto, after adaptations.
    public var configuration: ResNetConfig { forward.config }
    /// The architecture's name (`resnet50`, `resnet20`) or its description for a custom configuration.
    public let architectureName: String
    /// The adaptations applied while loading, one human-readable line each.
    public let notes: [String]
    /// The adaptations the file records of its own conversion (`.rnw` metadata), empty for other files.
    public let recordedAdaptations: [Adaptation]
    /// The network itself, for callers that make a ``/RNXForward/ForwardPlan`` per input shape.
    public let forward: ForwardModel
    /// One class name per classifier row: those the file records (a `.rnw`'s `labels`, a transformers config's
    /// `id2label`), kept right through the adaptations, else ImageNet-1k's or CIFAR-10's, else `class_N`.
    public let labels: [String]

    /// Loads the checkpoint at `url` (any format ``RNXCheckpoint/Checkpoint/init(contentsOf:limits:)`` opens).
    ///
    /// - Parameters:
    ///   - url: a file URL of the checkpoint.
    ///   - architecture: insist on this architecture (a name from ``/RNXArch/ResNetConfig/named``) instead of detecting it.
    ///   - adaptations: applied in memory exactly as ``Conversion`` applies them to a file.
    ///   - limits: bounds on the checkpoint's pickle.
    /// - Throws: ``/RNXCheckpoint/CheckpointError``, ``/RNXPickle/PickleError``, ``/RNXArch/ArchError`` (the weights do not fit) or ``/RNXForward/ForwardError``.
    public init(
        contentsOf url: URL, architecture: String? = nil, adaptations: [Adaptation] = [],
        limits: PickleLimits = .standard
    ) throws {
        guard url.isFileURL else { throw CheckpointError.cannotOpen(reason: "\(url.absoluteString) is not a file URL") }
        let loaded = try ModelLoader.load(url.path, arch: architecture, adaptations: adaptations, limits: limits)
        forward = loaded.model
        architectureName = loaded.architecture
        notes = loaded.notes
        recordedAdaptations = loaded.recordedAdaptations
        labels = loaded.labels
    }

    /// A model of the named architecture with rnx's deterministic synthetic weights: for timing and for tests,
    /// never for predictions.
    ///
    /// - Parameter name: an architecture name, e.g. `resnet50` (see ``/RNXArch/ResNetConfig/named(_:)``).
    /// - Throws: ``/RNXArch/ArchError/unknownArchitecture(_:)`` for a name ``/RNXArch/ResNetConfig/named(_:)`` does not know.
    public init(architecture name: String) throws {
        guard let config = ResNetConfig.named(name) else { throw ArchError.unknownArchitecture(name) }
        forward = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        architectureName = name.lowercased()
        notes = ["synthetic weights"]
        recordedAdaptations = []
        labels = ClassLabels.defaults(for: config)
    }

    /// Runs the network on a batch: `input` is `[N, C, H, W]` float32 in row-major order, already normalised.
    ///
    /// - Parameters:
    ///   - input: the pixels, `N × C × H × W` values.
    ///   - shape: `[N, C, H, W]`; C must be the model's input channels.
    ///   - threads: threads for this pass (each GEMM is split over them); default every core.
    /// - Throws: ``/RNXForward/ForwardError`` when the shape does not fit the network.
    public func logits(
        for input: [Float], shape: [Int], threads: Int = ForwardThreads.defaultCount
    ) throws -> Logits {
        let values = try forward.run(input, shape: shape, threads: threads)
        return Logits(values: values, imageCount: shape[0], classCount: configuration.numClasses)
    }
}
