/// Text forms of a configuration for reports and `.rnw` metadata.
extension ResNetConfig {
    /// The canonical name (`resnet50`, `resnet20-b`), or `custom` for a configuration without one.
    public var displayName: String { canonicalName ?? "custom" }

    /// The full configuration as compact JSON with a fixed key order, as stored in `.rnw` metadata:
    /// `{"family":"imagenet","block":"bottleneck","layers":[3,4,6,3],"groups":1,"width_per_group":64,
    /// "num_classes":1000,"in_channels":3,"shortcut":"B"}`.
    public var jsonDescription: String {
        let fields = [
            "\"family\":\"\(family.rawValue)\"",
            "\"block\":\"\(block.rawValue)\"",
            "\"layers\":[\(layers.map(String.init).joined(separator: ","))]",
            "\"groups\":\(groups)",
            "\"width_per_group\":\(widthPerGroup)",
            "\"num_classes\":\(numClasses)",
            "\"in_channels\":\(inChannels)",
            "\"shortcut\":\"\(shortcut.rawValue)\"",
        ]
        // timm's and transformers' fields follow only when they differ from torchvision's, so torchvision and
        // CIFAR configurations keep their description.
        var extra: [String] = []
        if stem != .conv7x7 {
            extra.append("\"stem\":\"\(stem.timmName)\"")
            extra.append("\"stem_width\":\(stem.channels[1])")
        }
        switch attention {
        case .none: break
        case .squeezeExcite(let reduction): extra.append("\"attention\":\"se\",\"se_reduction\":\(reduction)")
        case .eca: extra.append("\"attention\":\"eca\"")
        }
        if naming != .torchvision { extra.append("\"naming\":\"\(naming.rawValue)\"") }
        if strideInFirstConv { extra.append("\"stride_in\":\"1x1\"") }
        return "{" + (fields + extra).joined(separator: ",") + "}"
    }
}
