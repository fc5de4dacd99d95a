import RNXArch
import RNXTensor

/// A ResNet ready for inference: BatchNorm folded into the convolutions, all weights float32 in memory.
///
/// Build it once from a configuration and any `TensorSource` (a checkpoint, a state dict, `SyntheticWeights`), then
/// run it through a `ForwardPlan` made for an input shape, or call `run(_:)` for a one-off pass.
public final class ForwardModel: Sendable {
    /// The architecture the weights were mapped onto.
    public let config: ResNetConfig
    let stem: ConvLayer
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
    public init(config: ResNetConfig, weights source: some TensorSource) throws {
        self.config = config
        let loader = WeightLoader(source: source)
        let tree = config.moduleTree
        guard let conv1 = tree.child("conv1"), let bn1 = tree.child("bn1") else {
            throw ForwardError.missingTensor("conv1.weight")
        }
        stem = try loader.folded(conv: conv1, batchNorm: bn1, prefix: "")
        if case .maxPool2d(let kernel, let stride, let padding)? = tree.child("maxpool")?.kind {
            maxPool = (kernel, stride, padding)
        } else {
            maxPool = nil
        }
        var blocks: [ResidualBlock] = []
        for stage in tree.children where stage.name.hasPrefix("layer") {
            for block in stage.children {
                blocks.append(try loader.block(block, prefix: "\(stage.name).\(block.name)"))
            }
        }
        self.blocks = blocks
        let classifier = config.classifierName
        classifierWeights = try loader.floats(
            "\(classifier).weight", shape: [config.numClasses, config.featureCount])
        classifierBias = try loader.floats("\(classifier).bias", shape: [config.numClasses])
    }

    /// Runs one pass over an `[N, C, H, W]` float32 input in row-major order and returns `[N, numClasses]` logits.
    public func run(_ input: [Float], shape: [Int], threads: Int = ForwardThreads.defaultCount) throws -> [Float] {
        guard shape.count == 4 else { throw ForwardError.inputRank(shape: shape) }
        let plan = try ForwardPlan(model: self, batch: shape[0], channels: shape[1], height: shape[2],
                                   width: shape[3], threads: threads)
        return try plan.run(input)
    }
}
