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
        /// A container that runs its children in registration order, printed with its own class name
        /// (transformers' `ResNetConvLayer`, `ResNetStage`, ...; timm's `SelectAdaptivePool2d`).
        case container(typeName: String)
        /// A residual block: the main path, then the shortcut, added, then the final activation.
        case residual(ResidualSpec)
        /// timm's squeeze-excitation: global mean, `fc1` (1×1 conv with bias), ReLU, `fc2`, sigmoid gate on the input.
        case squeezeExcite
        /// timm's ECA: global mean, a 1-D convolution across channels (`conv`), sigmoid gate on the input.
        case efficientChannelAttention
        /// `nn.Conv1d(1, 1, kernel, padding=padding, bias=False)` over the channel axis (ECA).
        case conv1d(kernel: Int, padding: Int)
        /// `nn.AvgPool2d(kernel, stride, ceil_mode=True, count_include_pad=False)`: timm's avg-down shortcut.
        case avgPool2d(kernel: Int, stride: Int)
        case identity
        case sigmoid
        case flatten
        /// The CIFAR option-A shortcut: `x[:, :, ::stride, ::stride]` padded with zero channels on both sides.
        case zeroPadShortcut(stride: Int, padBefore: Int, padAfter: Int)
        case adaptiveAvgPool2d(outputSize: Int)
        case linear(inFeatures: Int, outFeatures: Int)
    }

    /// The attribute name under the parent (`conv1`, `layer1`, `0`, `downsample`); empty for the root.
    public var name: String
    public var kind: Kind
    public var children: [Module]
    /// Whether the parent's `forward` iterates this container (`for layer in self.layers`) instead of calling it,
    /// so no hook sees it run: transformers' `ModuleList` of stages and each stage's `layers`.
    public var isIterated = false

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
        case .container(let typeName): typeName
        case .residual(let spec): spec.typeName
        case .squeezeExcite: "SEModule"
        case .efficientChannelAttention: "EcaModule"
        case .conv1d: "Conv1d"
        case .avgPool2d: "AvgPool2d"
        case .identity: "Identity"
        case .sigmoid: "Sigmoid"
        case .flatten: "Flatten"
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

/// How a residual block runs its children: `x = main(x) + shortcut(input)`, then the final activation.
///
/// Names are the block's attribute names in call order, as the library's `forward` calls them (a module may be
/// called more than once, like torchvision's single `relu`).
public struct ResidualSpec: Hashable, Sendable {
    /// The PyTorch class name: `BasicBlock`, `Bottleneck`, `ResNetBasicLayer`, `ResNetBottleNeckLayer`.
    public var typeName: String
    /// Children called on the main path, in order.
    public var mainPath: [String]
    /// The child applied to the block's input before the sum; nil adds the input itself.
    public var shortcut: String?
    /// The activation after the sum; nil when it is functional (the CIFAR net's `F.relu`).
    public var finalActivation: String?

    public init(typeName: String, mainPath: [String], shortcut: String?, finalActivation: String?) {
        self.typeName = typeName
        self.mainPath = mainPath
        self.shortcut = shortcut
        self.finalActivation = finalActivation
    }
}
