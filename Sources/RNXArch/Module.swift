/// One node of a ResNet's module tree, named and nested exactly as PyTorch's `nn.Module` attributes are.
///
/// Children are listed in registration order, which is `state_dict()` order. How a container runs its children
/// (a block's residual sum, the shortcut) is implied by its `kind`.
public struct Module: Hashable, Sendable {
    /// What the module is, with the hyper-parameters that determine its parameters and output shape.
    public enum Kind: Hashable, Sendable {
        case resnet
        case conv2d(Conv2dSpec)
        case batchNorm2d(channels: Int)
        case relu
        case maxPool2d(kernel: Int, stride: Int, padding: Int)
        case sequential
        case basicBlock
        case bottleneck
        /// The CIFAR option-A shortcut: `x[:, :, ::stride, ::stride]` padded with zero channels on both sides.
        case zeroPadShortcut(stride: Int, padBefore: Int, padAfter: Int)
        case adaptiveAvgPool2d(outputSize: Int)
        case linear(inFeatures: Int, outFeatures: Int)
    }

    /// The attribute name under the parent (`conv1`, `layer1`, `0`, `downsample`); empty for the root.
    public var name: String
    public var kind: Kind
    public var children: [Module]

    public init(name: String, kind: Kind, children: [Module] = []) {
        self.name = name
        self.kind = kind
        self.children = children
    }

    /// The child with attribute name `name`.
    public func child(_ name: String) -> Module? { children.first { $0.name == name } }

    /// The PyTorch class name, as torchinfo and torchsummary print it.
    public var typeName: String {
        switch kind {
        case .resnet: "ResNet"
        case .conv2d: "Conv2d"
        case .batchNorm2d: "BatchNorm2d"
        case .relu: "ReLU"
        case .maxPool2d: "MaxPool2d"
        case .sequential: "Sequential"
        case .basicBlock: "BasicBlock"
        case .bottleneck: "Bottleneck"
        case .zeroPadShortcut: "LambdaLayer"
        case .adaptiveAvgPool2d: "AdaptiveAvgPool2d"
        case .linear: "Linear"
        }
    }
}

/// The hyper-parameters of a square-kernel `nn.Conv2d` without bias, as ResNets use it.
public struct Conv2dSpec: Hashable, Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Int
    public var groups: Int
    public var bias: Bool

    public init(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
        bias: Bool = false
    ) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.bias = bias
    }

    /// The weight's shape: `[out, in / groups, k, k]`.
    public var weightShape: [Int] { [outChannels, inChannels / groups, kernel, kernel] }
}
