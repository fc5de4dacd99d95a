/// Reading a configuration back from its JSON fields (`jsonDescription`'s keys, as `.rnw` metadata and the
/// fixture generators write them).
extension ResNetConfig {
    /// The configuration `fields` describe, or nil if a field has the wrong type or an unknown value.
    ///
    /// `arch` names a base architecture (`rnx archs`) that the other fields override; without it `block` and
    /// `layers` are required. Keys: `family`, `block`, `layers`, `groups`, `width_per_group`, `num_classes`,
    /// `in_channels`, `shortcut` (`A`, `B`, `avg_down`), `stem` (`deep`, `deep_tiered`) with `stem_width`,
    /// `attention` (`se`, `eca`) with `se_reduction`, `naming` (`torchvision`, `timm`, `transformers`) and
    /// `stride_in` (`1x1`, `3x3`).
    public init?(fields: [String: Any]) {
        var config: ResNetConfig
        if let arch = fields["arch"] {
            guard let name = arch as? String, let named = ResNetConfig.named(name) else { return nil }
            config = named
        } else {
            guard let block = (fields["block"] as? String).flatMap(Block.init(rawValue:)),
                  let layers = fields["layers"] as? [Int]
            else { return nil }
            let family = (fields["family"] as? String).flatMap(Family.init(rawValue:)) ?? .imagenet
            config = ResNetConfig(family: family, block: block, layers: layers, numClasses: family == .cifar ? 10 : 1000)
        }
        func int(_ key: String) -> Int?? {
            guard let value = fields[key] else { return .some(nil) }
            guard let number = value as? Int else { return nil }
            return .some(number)
        }
        guard let groups = int("groups"), let width = int("width_per_group"), let classes = int("num_classes"),
              let channels = int("in_channels"), let stemWidth = int("stem_width"), let reduction = int("se_reduction")
        else { return nil }
        if let groups { config.groups = groups }
        if let width { config.widthPerGroup = width }
        if let classes { config.numClasses = classes }
        if let channels { config.inChannels = channels }
        if let value = fields["shortcut"] {
            guard let shortcut = (value as? String).flatMap(Shortcut.init(rawValue:)) else { return nil }
            config.shortcut = shortcut
        }
        switch fields["stem"] as? String {
        case nil, "": break
        case "deep": config.stem = .deep(width: stemWidth ?? 32)
        case "deep_tiered": config.stem = .deepTiered(width: stemWidth ?? 32)
        default: return nil
        }
        switch fields["attention"] as? String {
        case nil: break
        case "se": config.attention = .squeezeExcite(reduction: reduction ?? 16)
        case "eca": config.attention = .eca
        default: return nil
        }
        if let value = fields["naming"] {
            guard let naming = (value as? String).flatMap(Naming.init(rawValue:)) else { return nil }
            config.naming = naming
        }
        switch fields["stride_in"] as? String {
        case nil, "3x3": break
        case "1x1": config.strideInFirstConv = true
        default: return nil
        }
        self = config
    }
}
