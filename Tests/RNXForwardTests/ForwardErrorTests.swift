import RNXArch
import RNXForward
import RNXTensor
import Testing

/// Every `ForwardError` the engine raises, with the exact case.
struct ForwardErrorTests {
    static let resnet20 = ResNetConfig.named("resnet20")!

    static func weights(_ edit: (inout StateDict) throws -> Void = { _ in }) throws -> StateDict {
        var dict = try SyntheticWeights(config: resnet20).loadAll()
        try edit(&dict)
        return dict
    }

    @Test func missingTensor() throws {
        var dict = StateDict()
        let full = try Self.weights()
        for name in full.names where name != "layer2.1.bn1.running_mean" { try dict.insert(name: name, full[name]!) }
        #expect(throws: ForwardError.missingTensor("layer2.1.bn1.running_mean")) {
            try ForwardModel(config: Self.resnet20, weights: dict)
        }
    }

    @Test func shapeMismatch() throws {
        let dict = try Self.weights {
            try $0.replace(name: "layer3.0.conv2.weight", with: Tensor(floats: .init(repeating: 0, count: 64 * 32 * 9),
                                                                       shape: [64, 32, 3, 3]))
        }
        #expect(throws: ForwardError.shapeMismatch(name: "layer3.0.conv2.weight", expected: [64, 64, 3, 3],
                                                   found: [64, 32, 3, 3])) {
            try ForwardModel(config: Self.resnet20, weights: dict)
        }
    }

    @Test func integerWeights() throws {
        let dict = try Self.weights {
            try $0.replace(name: "linear.bias", with: Tensor(dtype: .int64, shape: [10], bytes: .init(repeating: 0, count: 80)))
        }
        #expect(throws: ForwardError.notFloatingPoint(name: "linear.bias", dtype: .int64)) {
            try ForwardModel(config: Self.resnet20, weights: dict)
        }
    }

    @Test func inputErrors() throws {
        let model = try ForwardModel(config: Self.resnet20, weights: SyntheticWeights(config: Self.resnet20))
        #expect(throws: ForwardError.wrongChannelCount(expected: 3, found: 1)) {
            try model.run(.init(repeating: 0, count: 32 * 32), shape: [1, 1, 32, 32])
        }
        #expect(throws: ForwardError.inputRank(shape: [3, 32, 32])) {
            try model.run(.init(repeating: 0, count: 3 * 32 * 32), shape: [3, 32, 32])
        }
        #expect(throws: ForwardError.emptyBatch) { try model.run([], shape: [0, 3, 32, 32]) }
        // Every layer of these nets pads enough that a 1×1 image works (3×3 convolutions with padding 1 keep
        // (h + 2 − 3) / s + 1 ≥ 1), so only an empty image is too small.
        #expect(throws: ForwardError.imageTooSmall(height: 0, width: 32, minimum: 1)) {
            try model.run([], shape: [1, 3, 0, 32])
        }
        // avg_pool2d(out, out.size(3)) on a final 8×16 map has a 16×16 window taller than the map (PyTorch fails),
        // and on a final 16×8 map it gives 2×1 outputs per channel, which the 64-input classifier cannot take.
        #expect(throws: ForwardError.unsupportedAspectRatio(height: 32, width: 64)) {
            try model.run(.init(repeating: 0, count: 3 * 32 * 64), shape: [1, 3, 32, 64])
        }
        #expect(throws: ForwardError.unsupportedAspectRatio(height: 64, width: 32)) {
            try model.run(.init(repeating: 0, count: 3 * 64 * 32), shape: [1, 3, 64, 32])
        }
        #expect(throws: ForwardError.invalidSetting(name: "threads", value: 0)) {
            try model.run(.init(repeating: 0, count: 3 * 32 * 32), shape: [1, 3, 32, 32], threads: 0)
        }
        // resnet20's first convolution alone would need 16 × 100000² floats = 640 GB of activations.
        #expect(throws: ForwardError.inputTooLarge(shape: [1, 3, 100_000, 100_000])) {
            try ForwardPlan(model: model, batch: 1, channels: 3, height: 100_000, width: 100_000)
        }
        #expect(throws: ForwardError.shapeMismatch(name: "input", expected: [2, 3, 32, 32], found: [3 * 32 * 32])) {
            try model.run(.init(repeating: 0, count: 3 * 32 * 32), shape: [2, 3, 32, 32], threads: 1, chunk: 1)
        }
        let plan = try ForwardPlan(model: model, batch: 1, channels: 3, height: 32, width: 32)
        #expect(throws: ForwardError.shapeMismatch(name: "input", expected: [1, 3, 32, 32], found: [5])) {
            try plan.run([1, 2, 3, 4, 5])
        }
    }

    @Test func logitShapesMustAgree() {
        #expect(throws: ForwardError.logitShapeMismatch(expected: [2, 10], found: [2, 4])) {
            try LogitComparison(logits: .init(repeating: 0, count: 8), reference: .init(repeating: 0, count: 20),
                                shape: [2, 4], referenceShape: [2, 10])
        }
    }
}
