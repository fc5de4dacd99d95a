import RNXArch
import RNXCheckpoint
import RNXForward
import RNXTestSupport
import Testing

/// The forward pass against timm's and transformers' logits for the same synthetic weights.
///
/// `scripts/fixtures/gen_layout_refs.py` filled each model with the formula of `synthetic_weights.py` in its own
/// `state_dict()` order, which `SyntheticWeights` follows through the module tree, and saved the logits for the
/// committed inputs. Together they cover deep and tiered stems, avg-down shortcuts (ceil mode on odd maps), SE and
/// ECA attention, grouped Bottlenecks, one input channel, and transformers' stride in the 1×1 convolution.
struct LayoutLogitsTests {
    static let cases: [(key: String, config: ResNetConfig, input: String)] = {
        func named(_ name: String) -> ResNetConfig { ResNetConfig.named(name)! }
        var wideDeep = ResNetConfig(block: .bottleneck, layers: [1, 1, 1, 1], stem: .deep(width: 64), naming: .timm)
        wideDeep.shortcut = .projection
        let gray = ResNetConfig(
            block: .basic, layers: [1, 1, 1, 1], numClasses: 7, inChannels: 1, shortcut: .avgDown,
            stem: .deep(width: 16), attention: .squeezeExcite(reduction: 16), naming: .timm)
        var hf18 = named("resnet18")
        hf18.naming = .transformers
        let hfBottleneck = ResNetConfig(block: .bottleneck, layers: [1, 1, 1, 1], naming: .transformers)
        var hfV1 = hfBottleneck
        hfV1.strideInFirstConv = true
        return [
            ("timm-resnet10t", named("resnet10t"), "imagenet"),
            ("timm-resnet14t-odd", named("resnet14t"), "odd"),
            ("timm-resnet18d", named("resnet18d"), "imagenet"),
            ("timm-resnet26d-odd", named("resnet26d"), "odd"),
            ("timm-resnet50s-odd", wideDeep, "odd"),
            ("timm-seresnet18", named("seresnet18"), "imagenet"),
            ("timm-seresnext26d_32x4d", named("seresnext26d_32x4d"), "imagenet"),
            ("timm-ecaresnet26t-odd", named("ecaresnet26t"), "odd"),
            ("timm-custom-se-c7-in1", gray, "gray"),
            ("hf-resnet18", hf18, "imagenet"),
            ("hf-bottleneck-1111", hfBottleneck, "imagenet"),
            ("hf-bottleneck-1111-v1-odd", hfV1, "odd"),
        ]
    }()

    static func input(_ name: String) throws -> (values: [Float], shape: [Int]) {
        if name == "gray" {
            // Channel 0 of input-imagenet.npy, as the generator slices it.
            let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-imagenet.npy"))
            let plane = x.shape[2] * x.shape[3]
            var values: [Float] = []
            for image in 0..<x.shape[0] {
                values += x.values[(image * x.shape[1] * plane)..<(image * x.shape[1] * plane + plane)]
            }
            return (values, [x.shape[0], 1, x.shape[2], x.shape[3]])
        }
        let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-\(name).npy"))
        return (x.values, x.shape)
    }

    @Test(arguments: cases.map(\.key), ReferenceLogitsTests.engines)
    func matchesTheLibrary(key: String, engine: ForwardEngine) throws {
        let (_, config, inputName) = try #require(Self.cases.first { $0.key == key })
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let x = try Self.input(inputName)
        let expected = try NumpyArray(contentsOfFile: Fixtures.path("forward/\(key).logits.npy"))
        let logits = try model.run(x.values, shape: x.shape, threads: 2, engine: engine)
        let comparison = try LogitComparison(
            logits: logits, reference: expected.values, shape: [x.shape[0], config.numClasses],
            referenceShape: expected.shape)
        #expect(comparison.passes(relativeTolerance: 1e-4), "\(key) \(engine): \(comparison)")
        #expect(comparison.top1Matches == x.shape[0], "\(key) \(engine): \(comparison)")
    }
}
