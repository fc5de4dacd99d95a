/// The architectures rnx knows by name.
extension ResNetConfig {
    /// Every named architecture, in the order `rnx archs` lists them.
    public static let named: [(name: String, config: ResNetConfig)] = [
        ("resnet18", ResNetConfig(block: .basic, layers: [2, 2, 2, 2])),
        ("resnet34", ResNetConfig(block: .basic, layers: [3, 4, 6, 3])),
        ("resnet50", ResNetConfig(block: .bottleneck, layers: [3, 4, 6, 3])),
        ("resnet101", ResNetConfig(block: .bottleneck, layers: [3, 4, 23, 3])),
        ("resnet152", ResNetConfig(block: .bottleneck, layers: [3, 8, 36, 3])),
        ("resnext50_32x4d", ResNetConfig(block: .bottleneck, layers: [3, 4, 6, 3], groups: 32, widthPerGroup: 4)),
        ("resnext101_32x8d", ResNetConfig(block: .bottleneck, layers: [3, 4, 23, 3], groups: 32, widthPerGroup: 8)),
        ("resnext101_64x4d", ResNetConfig(block: .bottleneck, layers: [3, 4, 23, 3], groups: 64, widthPerGroup: 4)),
        ("wide_resnet50_2", ResNetConfig(block: .bottleneck, layers: [3, 4, 6, 3], widthPerGroup: 128)),
        ("wide_resnet101_2", ResNetConfig(block: .bottleneck, layers: [3, 4, 23, 3], widthPerGroup: 128)),
        ("resnet20", .cifar(blocksPerStage: 3)),
        ("resnet32", .cifar(blocksPerStage: 5)),
        ("resnet44", .cifar(blocksPerStage: 7)),
        ("resnet56", .cifar(blocksPerStage: 9)),
        ("resnet110", .cifar(blocksPerStage: 18)),
        ("resnet1202", .cifar(blocksPerStage: 200)),
    ] + timmNamed

    /// timm's ResNets beyond torchvision's (timm/models/resnet.py's registered names): `c` deep stem, `d` deep stem
    /// and avg-down, `s` wide deep stem, `t` tiered stem and avg-down; `se`/`eca` attention.
    static let timmNamed: [(name: String, config: ResNetConfig)] = {
        let basic = ResNetConfig.Block.basic, bottleneck = ResNetConfig.Block.bottleneck
        let deep = Stem.deep(width: 32), wide = Stem.deep(width: 64), tiered = Stem.deepTiered(width: 32)
        let se = Attention.squeezeExcite(reduction: 16)
        func timm(
            _ block: Block, _ layers: [Int], stem: Stem = .conv7x7, avgDown: Bool = false,
            attention: Attention = .none, groups: Int = 1, width: Int = 64
        ) -> ResNetConfig {
            ResNetConfig(
                block: block, layers: layers, groups: groups, widthPerGroup: width,
                shortcut: avgDown ? .avgDown : .projection, stem: stem, attention: attention, naming: .timm)
        }
        let r18 = [2, 2, 2, 2], r34 = [3, 4, 6, 3], r101 = [3, 4, 23, 3], r152 = [3, 8, 36, 3], r200 = [3, 24, 36, 3]
        return [
            ("resnet10t", timm(basic, [1, 1, 1, 1], stem: tiered, avgDown: true)),
            ("resnet14t", timm(bottleneck, [1, 1, 1, 1], stem: tiered, avgDown: true)),
            ("resnet18d", timm(basic, r18, stem: deep, avgDown: true)),
            ("resnet26", timm(bottleneck, r18)),
            ("resnet26d", timm(bottleneck, r18, stem: deep, avgDown: true)),
            ("resnet26t", timm(bottleneck, r18, stem: tiered, avgDown: true)),
            ("resnet34d", timm(basic, r34, stem: deep, avgDown: true)),
            ("resnet50c", timm(bottleneck, r34, stem: deep)),
            ("resnet50d", timm(bottleneck, r34, stem: deep, avgDown: true)),
            ("resnet50s", timm(bottleneck, r34, stem: wide)),
            ("resnet50t", timm(bottleneck, r34, stem: tiered, avgDown: true)),
            ("resnet101c", timm(bottleneck, r101, stem: deep)),
            ("resnet101d", timm(bottleneck, r101, stem: deep, avgDown: true)),
            ("resnet101s", timm(bottleneck, r101, stem: wide)),
            ("resnet152c", timm(bottleneck, r152, stem: deep)),
            ("resnet152d", timm(bottleneck, r152, stem: deep, avgDown: true)),
            ("resnet152s", timm(bottleneck, r152, stem: wide)),
            ("resnet200", timm(bottleneck, r200)),
            ("resnet200d", timm(bottleneck, r200, stem: deep, avgDown: true)),
            ("resnext50d_32x4d", timm(bottleneck, r34, stem: deep, avgDown: true, groups: 32, width: 4)),
            ("seresnet18", timm(basic, r18, attention: se)),
            ("seresnet34", timm(basic, r34, attention: se)),
            ("seresnet50", timm(bottleneck, r34, attention: se)),
            ("seresnet50t", timm(bottleneck, r34, stem: tiered, avgDown: true, attention: se)),
            ("seresnet101", timm(bottleneck, r101, attention: se)),
            ("seresnet152", timm(bottleneck, r152, attention: se)),
            ("seresnet152d", timm(bottleneck, r152, stem: deep, avgDown: true, attention: se)),
            ("seresnet200d", timm(bottleneck, r200, stem: deep, avgDown: true, attention: se)),
            ("seresnext26d_32x4d", timm(bottleneck, r18, stem: deep, avgDown: true, attention: se, groups: 32, width: 4)),
            ("seresnext26t_32x4d", timm(bottleneck, r18, stem: tiered, avgDown: true, attention: se, groups: 32, width: 4)),
            ("seresnext50_32x4d", timm(bottleneck, r34, attention: se, groups: 32, width: 4)),
            ("seresnext101_32x4d", timm(bottleneck, r101, attention: se, groups: 32, width: 4)),
            ("ecaresnet26t", timm(bottleneck, r18, stem: tiered, avgDown: true, attention: .eca)),
            ("ecaresnet50d", timm(bottleneck, r34, stem: deep, avgDown: true, attention: .eca)),
            ("ecaresnet50t", timm(bottleneck, r34, stem: tiered, avgDown: true, attention: .eca)),
            ("ecaresnet101d", timm(bottleneck, r101, stem: deep, avgDown: true, attention: .eca)),
            ("ecaresnet200d", timm(bottleneck, r200, stem: deep, avgDown: true, attention: .eca)),
            ("ecaresnext26t_32x4d", timm(bottleneck, r18, stem: tiered, avgDown: true, attention: .eca, groups: 32, width: 4)),
            ("ecaresnext50t_32x4d", timm(bottleneck, r34, stem: tiered, avgDown: true, attention: .eca, groups: 32, width: 4)),
        ]
    }()

    /// A CIFAR ResNet of depth 6n+2 with 10 classes.
    public static func cifar(blocksPerStage n: Int, shortcut: Shortcut = .zeroPad) -> ResNetConfig {
        ResNetConfig(
            family: .cifar, block: .basic, layers: [n, n, n], widthPerGroup: 64, numClasses: 10, shortcut: shortcut)
    }

    /// The named architecture, or nil. Accepts `resnet20-b` style suffixes for CIFAR option-B variants.
    public static func named(_ name: String) -> ResNetConfig? {
        let lowered = name.lowercased()
        if let match = named.first(where: { $0.name == lowered }) { return match.config }
        for suffix in ["-b", "_b"] where lowered.hasSuffix(suffix) {
            let base = String(lowered.dropLast(suffix.count))
            if var config = named.first(where: { $0.name == base })?.config, config.family == .cifar {
                config.shortcut = .projection
                return config
            }
        }
        return nil
    }

    /// The name of the named architecture this configuration is, ignoring num_classes and in_channels,
    /// or nil for a custom configuration. CIFAR option-B variants get a `-b` suffix.
    public var canonicalName: String? {
        var probe = self
        probe.numClasses = 1000
        probe.inChannels = 3
        if family == .cifar {
            probe.numClasses = 10
            probe.shortcut = .zeroPad
        }
        // A name is the architecture, whichever library's names the weights carry.
        func sameArchitecture(_ other: ResNetConfig) -> Bool {
            var other = other
            other.naming = probe.naming
            return other == probe
        }
        guard let base = ResNetConfig.named.first(where: { sameArchitecture($0.config) })?.name else { return nil }
        return family == .cifar && shortcut == .projection ? base + "-b" : base
    }
}
