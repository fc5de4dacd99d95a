import RNXArch
import RNXTensor

/// A ResNet ready for inference: BatchNorm folded into the convolutions, all weights float32 in memory.
///
/// Build it once from a configuration and any `TensorSource` (a checkpoint, a state dict, `SyntheticWeights`), then
/// run it through a `ForwardPlan` made for an input shape, or call `run(_:)` for a one-off pass.
public final class ForwardModel: Sendable {
    /// The architecture the weights were mapped onto.
    public let config: ResNetConfig
    /// The stem's convolutions, BatchNorm folded, each followed by ReLU: one 7×7 or timm's three 3×3.
    let stemLayers: [ConvLayer]
    let maxPool: (kernel: Int, stride: Int, padding: Int)?
    let blocks: [ResidualBlock]
    /// The classifier, `[numClasses, features]` row-major, and its bias.
    let classifierWeights: [Float]
    let classifierBias: [Float]

    /// BatchNorm's epsilon in torchvision and the CIFAR implementation.
    public static let batchNormEpsilon = 1e-5

    /// Loads and folds the weights of `config` from `source`, reading one tensor at a time.
    ///
    /// Every tensor the architecture needs must be present with its exact shape and a floating-point dtype
    /// (f16 and bf16 are widened to f32); other tensors in the source are ignored.
    ///
    /// - Parameters:
    ///   - config: the architecture, which names every tensor needed.
    ///   - source: the tensors: an opened checkpoint, a state dict or ``SyntheticWeights``.
    /// - Throws: ``ForwardError`` for a missing tensor, a wrong shape or a non-float dtype, and the source's own
    ///   errors while reading.
    public init<Source: TensorSource>(config: ResNetConfig, weights source: Source) throws {
        self.config = config
        let loader = WeightLoader(source: source)
        // One walk over the module tree in registration order gives the stem, the blocks and the classifier,
        // whichever library's names the tree uses.
        var walk = WeightLoader<Source>.Walk()
        try loader.walk(config.moduleTree, at: "", into: &walk)
        guard !walk.convs.isEmpty else { throw ForwardError.missingTensor(config.stemWeightName) }
        stemLayers = walk.convs
        maxPool = walk.maxPool
        blocks = walk.blocks
        let classifier = walk.classifier ?? config.classifierName
        classifierWeights = try loader.floats(
            "\(classifier).weight", shape: [config.numClasses, config.featureCount])
        classifierBias = try loader.floats("\(classifier).bias", shape: [config.numClasses])
    }

    /// The first stem convolution (the input's channels).
    var stem: ConvLayer { stemLayers[0] }

    /// Runs one pass over an `[N, C, H, W]` float32 input in row-major order and returns `[N, numClasses]` logits.
    ///
    /// Each call makes its own ``ForwardPlan``, so tasks may call this on one model at once.
    ///
    /// - Parameters:
    ///   - input: `N·C·H·W` values, already normalised.
    ///   - shape: `[N, C, H, W]`; C must be the model's input channels.
    ///   - threads: threads for this pass; every core by default.
    ///   - engine: which library runs the pass; `RNX_ENGINE`'s choice by default (oneDNN, else OpenBLAS).
    /// - Throws: ``ForwardError`` when the shape does not fit the network or the engine cannot be loaded or refuses a call.
    public func run(
        _ input: [Float], shape: [Int], threads: Int = ForwardThreads.defaultCount,
        engine: ForwardEngine = .fromEnvironment
    ) throws -> [Float] {
        guard shape.count == 4 else { throw ForwardError.inputRank(shape: shape) }
        let plan = try ForwardPlan(model: self, batch: shape[0], channels: shape[1], height: shape[2],
                                   width: shape[3], threads: threads, engine: engine)
        return try plan.run(input)
    }
}
