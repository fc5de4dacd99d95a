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
        /// timm's `avg_down` (ResNet-D): 2×2 stride-2 average pool (ceil mode, padding not counted) when the block
        /// strides, then a 1×1 convolution and BatchNorm (`downsample.0`/`.1`/`.2`).
        case avgDown = "avg_down"
    }

    /// ImageNet (torchvision, timm, transformers) or CIFAR stem and stage widths.
    public var family: Family
    /// BasicBlock or Bottleneck.
    public var block: Block
    /// Blocks per stage (four stages for ImageNet, three for CIFAR).
    public var layers: [Int]
    /// Groups of the 3×3 convolution in each Bottleneck (torchvision's `groups`; 32 for resnext50_32x4d).
    public var groups: Int
    /// Channels per group of a Bottleneck (torchvision's `width_per_group`; 128 for wide_resnet50_2).
    public var widthPerGroup: Int
    /// Rows of the classifier.
    public var numClasses: Int
    /// Input channels of the first convolution (3 for RGB).
    public var inChannels: Int
    /// How downsampling blocks reshape their input for the sum.
    public var shortcut: Shortcut
    /// The ImageNet stem (the CIFAR stem is always one 3×3 convolution).
    public var stem: Stem
    /// Channel attention at the end of every block's main path (timm).
    public var attention: Attention
    /// Whose module names and classes the weights use.
    public var naming: Naming
    /// transformers' `downsample_in_bottleneck`: a Bottleneck strides in its first 1×1 convolution (the paper's
    /// ResNet v1) instead of its 3×3 one (v1.5, torchvision's and timm's).
    public var strideInFirstConv: Bool

    /// A configuration; the defaults are torchvision's (ImageNet stem, 1000 classes, RGB, projection shortcuts
    /// for ImageNet and zero padding for CIFAR when `shortcut` is nil).
    public init(
        family: Family = .imagenet, block: Block, layers: [Int], groups: Int = 1, widthPerGroup: Int = 64,
        numClasses: Int = 1000, inChannels: Int = 3, shortcut: Shortcut? = nil, stem: Stem = .conv7x7,
        attention: Attention = .none, naming: Naming = .torchvision, strideInFirstConv: Bool = false
    ) {
        self.stem = stem
        self.attention = attention
        self.naming = naming
        self.strideInFirstConv = strideInFirstConv
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
    public var stemChannels: Int { family == .imagenet ? stem.channels.last ?? 64 : 16 }

    /// Planes of stage `index` (before the block's expansion): 64, 128, ... (16, 32, 64 for CIFAR).
    public func planes(stage index: Int) -> Int { (family == .imagenet ? 64 : 16) << index }

    /// Spatial stride of the first block of stage `index`.
    public func stride(stage index: Int) -> Int { index == 0 ? 1 : 2 }

    /// Width of a bottleneck's grouped 3×3 convolution in stage `index`, as torchvision computes it.
    public func bottleneckWidth(stage index: Int) -> Int {
        planes(stage: index) * widthPerGroup / 64 * groups
    }

    /// Features entering the classifier.
    public var featureCount: Int { planes(stage: layers.count - 1) * block.expansion }

    /// The classifier's state-dict prefix: torchvision's and timm's `fc`, the CIFAR implementation's `linear`,
    /// transformers' `classifier.1`.
    public var classifierName: String {
        if naming == .transformers { return "classifier.1" }
        return family == .imagenet ? "fc" : "linear"
    }

    /// The state-dict name of the stem's first convolution weight, whose dimension 1 is the input channels.
    public var stemWeightName: String {
        switch (naming, stem) {
        case (.transformers, _): "resnet.embedder.embedder.convolution.weight"
        case (_, .conv7x7): "conv1.weight"
        case _ where family == .cifar: "conv1.weight"
        default: "conv1.0.weight"
        }
    }
}
