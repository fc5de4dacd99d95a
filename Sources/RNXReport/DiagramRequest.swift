import Foundation
import RNXArch
import RNXCheckpoint
import RNXPickle
import RNXTensor

/// What `rnx diagram` was asked for, before it is resolved against an architecture.
public struct DiagramRequest: Sendable, Hashable {
    /// Which figure to draw (`--style`).
    public var style: Diagram.Style = .paper
    /// `CxHxW` or `HxW`; nil for the family's default (3x224x224, CIFAR 3x32x32), as `rnx summary` takes it.
    public var inputSize: String?
    /// Bounds on a checkpoint's pickle, for `render(checkpointAt:)`.
    public var pickleLimits = PickleLimits.standard
    /// Where a transformers Bottleneck strides, overriding `config.json` (`--stride-in`).
    public var strideIn: StrideIn?

    /// A request with `rnx diagram`'s defaults: the paper's figure at the family's input size.
    public init() {}

    private var summary: SummaryRequest {
        var request = SummaryRequest()
        request.inputSize = inputSize
        request.strideIn = strideIn
        return request
    }

    /// The diagram of `base` (a named architecture's configuration) called `name`.
    public func render(config base: ResNetConfig, name: String) throws -> String {
        let (config, input) = try summary.resolve(base)
        return Diagram(model: try DiagramModel(config: config, input: input, name: name)).render(style)
    }

    /// The diagram of the architecture detected in the checkpoint at `path`, with its adaptations and the tensors
    /// that do not fit.
    public func render(checkpointAt path: String) throws -> String {
        let checkpoint = try Checkpoint.open(path: path, limits: pickleLimits)
        return try render(
            descriptors: checkpoint.descriptors, source: URL(fileURLWithPath: path).lastPathComponent,
            transformersConfig: checkpoint.companionConfig)
    }

    /// The diagram of the architecture detected from `descriptors` (and a transformers `config.json`, which says
    /// where a Bottleneck strides), as `render(checkpointAt:)`.
    public func render(
        descriptors: [TensorDescriptor], source: String, transformersConfig: [UInt8]? = nil
    ) throws -> String {
        let detected = try WeightMapping.layout(
            descriptors, transformersConfig: transformersConfig, strideIn: summary.strideIn
        ).config
        let (config, input) = try summary.resolve(detected)
        let model = try DiagramModel(
            config: config, input: input, name: config.displayName, descriptors: descriptors, source: source)
        return Diagram(model: model).render(style)
    }
}
