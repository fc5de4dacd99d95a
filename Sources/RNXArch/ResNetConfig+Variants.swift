#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stems, attention modules and namings beyond torchvision's ResNet: timm's and transformers'.
extension ResNetConfig {
    /// How an ImageNet ResNet turns the image into its first feature map (before `bn1` and the max-pool).
    public enum Stem: Hashable, Sendable {
        /// One 7×7 stride-2 convolution with 64 channels (torchvision, timm's default, transformers).
        case conv7x7
        /// timm's `deep` stem: 3×3 convolutions of `width`, `width`, `2·width` channels, the first with stride 2
        /// (stem_width 32 for the `c`/`d` variants, 64 for `s`).
        case deep(width: Int)
        /// timm's `deep_tiered` stem: `3·(width/4)`, `width`, `2·width` channels (the `t` variants, width 32).
        case deepTiered(width: Int)

        /// Output channels of each stem convolution.
        public var channels: [Int] {
            switch self {
            case .conv7x7: [64]
            case .deep(let width): [width, width, 2 * width]
            case .deepTiered(let width): [3 * (width / 4), width, 2 * width]
            }
        }

        /// The timm `stem_type` string.
        public var timmName: String {
            switch self {
            case .conv7x7: ""
            case .deep: "deep"
            case .deepTiered: "deep_tiered"
            }
        }
    }

    /// Channel attention applied to a block's main path before the residual sum (timm's `attn_layer`).
    public enum Attention: Hashable, Sendable {
        /// No attention: torchvision's and transformers' blocks, and timm's plain ResNets.
        case none
        /// Squeeze-excitation with `fc1` reducing C channels to `make_divisible(C / reduction, 8)` (timm's SEModule,
        /// rd_ratio 1/16 by default).
        case squeezeExcite(reduction: Int)
        /// Efficient channel attention: a 1-D convolution over channels whose odd kernel grows with log2(C).
        case eca

        /// The reduced width of squeeze-excitation on `channels`, as timm's `make_divisible(v, 8, round_limit=0)`.
        public static func squeezeWidth(channels: Int, reduction: Int) -> Int {
            // int(v + 4) // 8 * 8 with v = channels / reduction, at least 8.
            let rounded = Int(Double(channels) / Double(max(reduction, 1)) + 4) / 8 * 8
            return max(8, rounded)
        }

        /// ECA's kernel for `channels`: t = int(|log2(C) + 1| / 2), made odd, at least 3.
        public static func ecaKernel(channels: Int) -> Int {
            let t = Int(abs(log2(Double(max(channels, 1))) + 1) / 2)
            return max(t % 2 == 1 ? t : t + 1, 3)
        }
    }

    /// Whose `state_dict()` names (and module classes, for summaries) a configuration uses.
    public enum Naming: String, Sendable, Hashable, CaseIterable {
        /// torchvision's `ResNet` (and the paper's CIFAR nets): `conv1`, `layer1.0.conv1`, `fc`.
        case torchvision
        /// timm's `ResNet`: torchvision's names where the layers are the same, plus deep stems, `se`, avg-down.
        case timm
        /// transformers' `ResNetForImageClassification`: `resnet.embedder...`, `resnet.encoder.stages.N.layers.M`.
        case transformers
    }

    /// Whether the configuration uses anything torchvision's `ResNet` cannot build.
    public var needsTimm: Bool {
        stem != .conv7x7 || attention != .none || shortcut == .avgDown
    }
}
