/// One node of a ResNet's module tree, named and nested exactly as PyTorch's `nn.Module` attributes are.
///
/// Children are listed in registration order, which is `state_dict()` order. How a container runs its children
/// (a block's residual sum, the shortcut) is implied by its `kind`.
public struct Module: Hashable, Sendable {
    /// What the module is, with the hyper-parameters that determine its parameters and output shape.
    public enum Kind: Hashable, Sendable {
        /// The whole network (`torchvision.models.ResNet`, or the CIFAR net): the root of the tree.
        case resnet
        /// `nn.Conv2d` with a square kernel.
        case conv2d(Conv2dSpec)
        /// `nn.BatchNorm2d(channels)`: weight, bias, running mean and variance, and the batch counter.
        case batchNorm2d(channels: Int)
        /// `nn.ReLU` (in place in torchvision; the same numbers either way).
        case relu
        /// `nn.MaxPool2d(kernel, stride, padding)`: the ImageNet stem's pool.
        case maxPool2d(kernel: Int, stride: Int, padding: Int)
        /// `nn.Sequential`: runs its children in order (a stage, the downsample shortcut).
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
        /// `nn.Identity`: passes its input on (timm's unused attention slots and drop paths).
        case identity
        /// `nn.Sigmoid`: the gate of a channel-attention module.
        case sigmoid
        /// `nn.Flatten`: pooled features to a vector (transformers' classifier head).
        case flatten
        /// The CIFAR option-A shortcut: `x[:, :, ::stride, ::stride]` padded with zero channels on both sides.
        case zeroPadShortcut(stride: Int, padBefore: Int, padAfter: Int)
        /// `nn.AdaptiveAvgPool2d(outputSize)`; ResNets use 1, a global mean.
        case adaptiveAvgPool2d(outputSize: Int)
        /// `nn.Linear(inFeatures, outFeatures)` with bias: the classifier.
        case linear(inFeatures: Int, outFeatures: Int)
    }

    /// The attribute name under the parent (`conv1`, `layer1`, `0`, `downsample`); empty for the root.
    public var name: String
    /// What the module is, with its hyper-parameters.
    public var kind: Kind
    /// The submodules, in registration (and `state_dict()`) order.
    public var children: [Module]
    /// Whether the parent's `forward` iterates this container (`for layer in self.layers`) instead of calling it,
    /// so no hook sees it run: transformers' `ModuleList` of stages and each stage's `layers`.
    public var isIterated = false

    /// A module named `name` under its parent; the architecture layer builds whole trees from ``ResNetConfig``.
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
    /// Input channels.
    public var inChannels: Int
    /// Output channels (filters).
    public var outChannels: Int
    /// Kernel height and width.
    public var kernel: Int
    /// Stride in both directions.
    public var stride: Int
    /// Zero padding on every side.
    public var padding: Int
    /// Channel groups (ResNeXt's cardinality; 1 for a plain convolution).
    public var groups: Int
    /// Whether the convolution has a bias: false in ResNets (BatchNorm follows), true in timm's attention convs.
    public var bias: Bool

    /// A convolution spec with PyTorch's defaults for what is left out (stride 1, no padding, one group, no bias).
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

    /// A block spec; the names must be children of the block.
    public init(typeName: String, mainPath: [String], shortcut: String?, finalActivation: String?) {
        self.typeName = typeName
        self.mainPath = mainPath
        self.shortcut = shortcut
        self.finalActivation = finalActivation
    }
}
