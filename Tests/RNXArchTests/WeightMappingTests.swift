import RNXArch
import RNXTensor
import Testing

struct WeightMappingTests {
    static func descriptors(_ config: ResNetConfig) -> [TensorDescriptor] {
        config.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
    }

    @Test func reportsEveryProblemTogetherInTorchvisionTerms() throws {
        var descriptors = Self.descriptors(ResNetConfig.named("resnet34")!)
        let index = try #require(descriptors.firstIndex { $0.name == "layer3.4.conv2.weight" })
        descriptors[index].shape = [256, 128, 3, 3]
        descriptors.removeAll { $0.name == "fc.bias" || $0.name == "bn1.running_var" }
        descriptors.append(TensorDescriptor(name: "head.weight", dtype: .float32, shape: [2]))
        let error = ArchError.mismatch([
            .missingKeys(["bn1.running_var", "fc.bias"]), .unexpectedKeys(["head.weight"]),
            .shapeMismatch(key: "layer3.4.conv2.weight", expected: [256, 256, 3, 3], found: [256, 128, 3, 3]),
        ])
        #expect(throws: error) { try WeightMapping.check(descriptors, against: ResNetConfig.named("resnet34")!) }
        #expect(
            error.description
                == "weights do not fit the architecture (3 problems): missing keys: bn1.running_var, fc.bias; "
                + "unexpected keys: head.weight; layer3.4.conv2.weight: expected [256, 256, 3, 3], found [256, 128, 3, 3]")
        #expect(error.category == .badData)
    }

    @Test func longKeyListsAreCut() {
        let problem = MappingProblem.missingKeys((0..<10).map { "k\($0)" })
        #expect(problem.description == "missing keys: k0, k1, k2, k3, k4, k5, k6, k7 (and 2 more)")
    }

    /// torch before 0.4.1 saved no BatchNorm batch counters; BatchNorm's loader fills them in.
    @Test func missingNumBatchesTrackedIsAccepted() throws {
        let config = ResNetConfig.named("resnet18")!
        let descriptors = Self.descriptors(config).filter { !$0.name.hasSuffix("num_batches_tracked") }
        #expect(descriptors.count == 122 - 20)
        try WeightMapping.check(descriptors, against: config)
        #expect(try ArchitectureDetector.detect(descriptors) == config)
    }

    @Test func namedArchitectureTakesClassesAndChannelsFromTheFile() throws {
        var config = ResNetConfig.named("resnet18")!
        config.numClasses = 10
        config.inChannels = 1
        let descriptors = Self.descriptors(config)
        #expect(try WeightMapping.resolve(descriptors, arch: "resnet18") == config)
        #expect(throws: ArchError.self) { try WeightMapping.resolve(descriptors, arch: "resnet34") }
        #expect(throws: ArchError.unknownArchitecture("resnet19")) {
            try WeightMapping.resolve(descriptors, arch: "resnet19")
        }
        #expect(ArchError.unknownArchitecture("resnet19").category == .usage)
    }

    @Test func cifarShortcutOptionIsDetected() throws {
        #expect(try ArchitectureDetector.detect(Self.descriptors(.cifar(blocksPerStage: 3))).shortcut == .zeroPad)
        let b = ResNetConfig.cifar(blocksPerStage: 3, shortcut: .projection)
        #expect(try ArchitectureDetector.detect(Self.descriptors(b)) == b)
        #expect(b.displayName == "resnet20-b")
    }

    /// A Sequential conv1 that is not timm's complete deep stem is refused, naming what it lacks.
    @Test func incompleteDeepStemIsRefusedSayingWhatWasRecognised() {
        var descriptors = Self.descriptors(ResNetConfig.named("resnet50")!).filter { $0.name != "conv1.weight" }
        descriptors.insert(TensorDescriptor(name: "conv1.0.weight", dtype: .float32, shape: [32, 3, 3, 3]), at: 0)
        #expect(
            throws: ArchError.unsupportedLayout(
                recognised: ["classifier fc with 1000 classes", "Bottleneck stages [3, 4, 6, 3]"],
                unrecognised: ["deep stem (conv1.0.weight [32, 3, 3, 3], but no conv1.3.weight, conv1.6.weight)"])
        ) { try ArchitectureDetector.detect(descriptors) }
    }

    @Test func randomDictIsNotAResNet() {
        let descriptors = [
            TensorDescriptor(name: "encoder.weight", dtype: .float32, shape: [4, 4]),
            TensorDescriptor(name: "decoder.bias", dtype: .float32, shape: [4]),
        ]
        let error = ArchError.unsupportedLayout(
            recognised: [],
            unrecognised: [
                "no stem convolution conv1.weight", "no classifier (fc.weight or linear.weight)",
                "no residual stages (layer1.0. ...)",
            ])
        #expect(throws: error) { try ArchitectureDetector.detect(descriptors) }
        #expect(
            error.description
                == "not a supported ResNet layout: recognised nothing; not recognised: no stem convolution conv1.weight; "
                + "no classifier (fc.weight or linear.weight); no residual stages (layer1.0. ...)")
    }

    @Test func oddStemAndStagesAreNamed() {
        var descriptors = Self.descriptors(ResNetConfig.named("resnet18")!).filter { !$0.name.hasPrefix("layer4.") }
        descriptors[0].shape = [64, 3, 5, 5]
        #expect(
            throws: ArchError.unsupportedLayout(
                recognised: ["classifier fc with 1000 classes"],
                unrecognised: [
                    "stem conv1.weight [64, 3, 5, 5] (expected [64, C, 7, 7] or [16, C, 3, 3])",
                    "stages layer1, layer2, layer3 (a torchvision ResNet has layer1-layer4)",
                ])
        ) { try ArchitectureDetector.detect(descriptors) }
    }
}
