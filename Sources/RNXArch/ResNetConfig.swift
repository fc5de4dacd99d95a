/// A complete description of one ResNet: enough to name every parameter and run a forward pass.
///
/// ImageNet configurations follow torchvision's `ResNet(block, layers, num_classes, groups, width_per_group)`;
/// CIFAR configurations follow the paper's section 4.2 (three stages of 16, 32, 64 channels, no max-pool).
public struct ResNetConfig: Hashable, Sendable {
    /// Which stem and stage widths the network uses.
    public enum Family: String, Sendable, Hashable {
        /// torchvision: 7×7/2 conv with 64 channels, BN, ReLU, 3×3/2 max-pool; stages of 64, 128, 256, 512 planes.
        case imagenet
        /// The paper's CIFAR nets: 3×3 conv with 16 channels, BN, ReLU; stages of 16, 32, 64 planes.
        case cifar
    }

    /// The residual block.
    public enum Block: String, Sendable, Hashable {
        /// Two 3×3 convolutions (expansion 1).
        case basic
        /// 1×1, 3×3 (grouped), 1×1 convolutions (expansion 4).
        case bottleneck

        /// Output channels per plane.
        public var expansion: Int { self == .basic ? 1 : 4 }
        /// The PyTorch class name, as torchinfo and torchsummary print it.
        public var torchClassName: String { self == .basic ? "BasicBlock" : "Bottleneck" }
    }

    /// How a block's shortcut changes shape when the block downsamples or widens.
    public enum Shortcut: String, Sendable, Hashable {
        /// Option A: identity sampled at every second pixel, zero channels padded; no parameters.
        case zeroPad = "A"
        /// Option B: 1×1 convolution with stride and BatchNorm.
        case projection = "B"
    }

    public var family: Family
    public var block: Block
    /// Blocks per stage (four stages for ImageNet, three for CIFAR).
    public var layers: [Int]
    public var groups: Int
    public var widthPerGroup: Int
    public var numClasses: Int
    public var inChannels: Int
    public var shortcut: Shortcut

    public init(
        family: Family = .imagenet, block: Block, layers: [Int], groups: Int = 1, widthPerGroup: Int = 64,
        numClasses: Int = 1000, inChannels: Int = 3, shortcut: Shortcut? = nil
    ) {
        self.family = family
        self.block = block
        self.layers = layers
        self.groups = groups
        self.widthPerGroup = widthPerGroup
        self.numClasses = numClasses
        self.inChannels = inChannels
        self.shortcut = shortcut ?? (family == .cifar ? .zeroPad : .projection)
    }

    /// Channels of the stem's output.
    public var stemChannels: Int { family == .imagenet ? 64 : 16 }

    /// Planes of stage `index` (before the block's expansion).
    public func planes(stage index: Int) -> Int { stemChannels << index }

    /// Spatial stride of the first block of stage `index`.
    public func stride(stage index: Int) -> Int { index == 0 ? 1 : 2 }

    /// Width of a bottleneck's grouped 3×3 convolution in stage `index`, as torchvision computes it.
    public func bottleneckWidth(stage index: Int) -> Int {
        planes(stage: index) * widthPerGroup / 64 * groups
    }

    /// Features entering the classifier.
    public var featureCount: Int { planes(stage: layers.count - 1) * block.expansion }

    /// The classifier's attribute name: torchvision's `fc`, the CIFAR implementation's `linear`.
    public var classifierName: String { family == .imagenet ? "fc" : "linear" }
}
