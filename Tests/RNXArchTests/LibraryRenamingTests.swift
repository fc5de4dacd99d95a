import RNXArch
import RNXTensor
import Testing

/// Renaming between libraries against the libraries' own keys: the transformers trees were checked against
/// transformers' `state_dict()` (LayoutReferenceTests), so a torchvision state dict renamed to transformers' names
/// must give exactly those keys with the same shapes, and back.
struct LibraryRenamingTests {
    static let configs: [ResNetConfig] = [
        ResNetConfig.named("resnet18")!, ResNetConfig.named("resnet50")!,
        ResNetConfig(block: .basic, layers: [1, 2, 1, 1], numClasses: 4),
        ResNetConfig(block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 5, inChannels: 1),
    ]

    @Test(arguments: configs)
    func torchvisionNamesBecomeTransformersKeysAndBack(_ config: ResNetConfig) throws {
        var hf = config
        hf.naming = .transformers
        let toHF = try LibraryRenaming(config: config, to: .transformers)
        let renamed = config.moduleTree.stateDictEntries().map { (toHF.name($0.name), $0.shape) }
        let expected = hf.moduleTree.stateDictEntries().map { ($0.name, $0.shape) }
        #expect(Dictionary(uniqueKeysWithValues: renamed) == Dictionary(uniqueKeysWithValues: expected))
        let back = try LibraryRenaming(config: hf, to: .torchvision)
        #expect(renamed.map { back.name($0.0) } == config.moduleTree.stateDictEntries().map(\.name))
    }

    @Test func timmKeepsTorchvisionNames() throws {
        let config = try #require(ResNetConfig.named("resnet50"))
        let renaming = try LibraryRenaming(config: config, to: .timm)
        for entry in config.moduleTree.stateDictEntries() { #expect(renaming.name(entry.name) == entry.name) }
    }

    @Test func librariesWithoutTheArchitectureAreRefused() throws {
        let deep = try #require(ResNetConfig.named("resnet50d"))
        #expect(throws: ArchError.notInLibrary(
            architecture: "resnet50d", library: "torchvision",
            reason: "its deep stem, avg-down shortcuts or attention are timm's alone")
        ) { try LibraryRenaming(config: deep, to: .torchvision) }
        #expect(throws: ArchError.notInLibrary(
            architecture: "resnext50_32x4d", library: "transformers",
            reason: "transformers' ResNet has no grouped or wider Bottlenecks")
        ) { try LibraryRenaming(config: ResNetConfig.named("resnext50_32x4d")!, to: .transformers) }
        #expect(throws: ArchError.notInLibrary(
            architecture: "resnet20", library: "timm",
            reason: "the CIFAR ResNets are the paper's, in torchvision's naming only")
        ) { try LibraryRenaming(config: ResNetConfig.named("resnet20")!, to: .timm) }
        var v1 = try #require(ResNetConfig.named("resnet50"))
        v1.naming = .transformers
        v1.strideInFirstConv = true
        #expect(throws: ArchError.notInLibrary(
            architecture: "this ResNet", library: "timm",
            reason: "it strides in the Bottleneck's 1x1 convolution (ResNet v1), which only transformers builds")
        ) { try LibraryRenaming(config: v1, to: .timm) }
    }

    /// config.json decides what the weights cannot show; malformed or unsupported fields are named.
    @Test func transformersConfigIsReadAndChecked() throws {
        let json = #"{"model_type":"resnet","layer_type":"bottleneck","depths":[1,1,1,1],"downsample_in_bottleneck":true,"id2label":{"0":"cat","1":"dog"}}"#
        let parsed = try TransformersConfig(json: Array(json.utf8))
        #expect(parsed.labels == ["cat", "dog"])
        let config = try parsed.resnetConfig(numClasses: 2)
        #expect(config == ResNetConfig(
            block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 2, naming: .transformers, strideInFirstConv: true))
        #expect(throws: ArchError.invalidTransformersConfig(#"model_type is "vit", not "resnet""#)) {
            try TransformersConfig(json: Array(#"{"model_type":"vit"}"#.utf8))
        }
        #expect(throws: ArchError.invalidTransformersConfig("embedding_size 32 (rnx runs 64)")) {
            try TransformersConfig(json: Array(#"{"embedding_size":32}"#.utf8)).resnetConfig(numClasses: 1000)
        }
        #expect(throws: ArchError.invalidTransformersConfig("config.json is not JSON")) {
            try TransformersConfig(json: Array("{".utf8))
        }
        // Hostile files (more in TransformersConfigAttackTests): a nesting bomb is refused before parsing, by its
        // depth, and a huge file by its size.
        let bomb = Array(("{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8)
        #expect(throws: ArchError.invalidTransformersConfig("config.json nests 100001 levels deep (at most 32)")) {
            try TransformersConfig(json: bomb)
        }
        let huge = [UInt8](repeating: 0x20, count: TransformersConfig.maximumBytes + 1)
        #expect(throws: ArchError.invalidTransformersConfig(
            "config.json is \(huge.count) bytes (at most \(TransformersConfig.maximumBytes) are read)")
        ) { try TransformersConfig(json: huge) }
        #expect(throws: ArchError.invalidTransformersConfig(#"depths is "3,4,6,3", not a list of integers"#)) {
            try TransformersConfig(json: Array(#"{"depths":"3,4,6,3"}"#.utf8))
        }
        // Written and read back: the same architecture and labels.
        let written = TransformersConfig.json(for: config, labels: ["cat", "dog"])
        let reread = try TransformersConfig(json: Array(written.utf8))
        #expect(try reread.resnetConfig(numClasses: 2) == config)
        #expect(reread.labels == ["cat", "dog"])
    }

    /// Without config.json a transformers Bottleneck is assumed v1.5, and a note says so; --stride-in overrides.
    @Test func strideInIsAssumedAndOverridable() throws {
        var hf = ResNetConfig(block: .bottleneck, layers: [1, 1, 1, 1])
        hf.naming = .transformers
        let descriptors = hf.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
        let assumed = try WeightMapping.resolve(descriptors, transformersConfig: nil)
        #expect(assumed.config == hf)
        #expect(assumed.notes == [
            "no config.json: assumed the Bottleneck strides in its 3x3 convolution (ResNet v1.5; "
                + "--stride-in 1x1 for the paper's v1)",
        ])
        let v1 = try WeightMapping.resolve(descriptors, transformersConfig: nil, strideIn: .oneByOne)
        #expect(v1.config.strideInFirstConv && v1.notes.isEmpty)
        let torchvision = ResNetConfig.named("resnet50")!.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: .float32, shape: $0.shape)
        }
        #expect(throws: ArchError.invalidAdaptation(
            "--stride-in applies to transformers Bottleneck ResNets (torchvision and timm stride in the 3x3)")
        ) { try WeightMapping.resolve(torchvision, transformersConfig: nil, strideIn: .oneByOne) }
    }
}
