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
    ]

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
        guard let base = ResNetConfig.named.first(where: { $0.config == probe })?.name else { return nil }
        return family == .cifar && shortcut == .projection ? base + "-b" : base
    }
}
