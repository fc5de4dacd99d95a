import RNXArch
import RNXCheckpoint
import RNXForward
import RNXTensor
import RNXTestSupport
import Testing

/// Properties of the engine that hold whatever the weights: batching, plan reuse, pooling over other sizes.
struct ForwardPlanTests {
    /// Images are independent: each image of a batch gets the logits it gets alone (to float32 rounding, since
    /// OpenBLAS may block the larger GEMM differently).
    @Test func batchedImagesMatchSingleImages() throws {
        let config = try #require(ResNetConfig.named("resnet18"))
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-imagenet.npy"))
        let both = try model.run(x.values, shape: x.shape, threads: 2)
        let imageSize = 3 * 64 * 64
        for image in 0..<2 {
            let alone = try model.run(Array(x.values[image * imageSize..<(image + 1) * imageSize]),
                                      shape: [1, 3, 64, 64], threads: 1)
            let comparison = try LogitComparison(
                logits: alone, reference: Array(both[image * 1000..<(image + 1) * 1000]), shape: [1, 1000],
                referenceShape: [1, 1000])
            #expect(comparison.relativeError < 1e-5, "\(comparison)")
        }
        // Chunked runs (as rnx run does for large batches) give the same logits.
        let chunked = try model.run(x.values, shape: x.shape, threads: 2, chunk: 1)
        let comparison = try LogitComparison(logits: chunked, reference: both, shape: [2, 1000],
                                             referenceShape: [2, 1000])
        #expect(comparison.relativeError < 1e-5, "\(comparison)")
    }

    @Test func planRunsRepeatably() throws {
        let config = try #require(ResNetConfig.named("resnet20-b"))
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let plan = try ForwardPlan(model: model, batch: 2, channels: 3, height: 32, width: 32, threads: 2)
        let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-cifar.npy"))
        let first = try plan.run(x.values)
        let other = try plan.run(x.values.map { -$0 })
        let again = try plan.run(x.values)
        #expect(first == again)
        #expect(first != other)
    }

    /// LogitComparison's figures on values worked out by hand.
    @Test func comparisonFigures() throws {
        // Reference rows: [1, 4, 2] (top-1 class 1) and [3, 0, -4] (top-1 class 0); largest |reference| = 4.
        // The logits differ by 0.5 at [0][0] (top-1 still class 1) and by 3.5 at [1][1] (top-1 becomes class 1).
        let reference: [Float] = [1, 4, 2, 3, 0, -4]
        let logits: [Float] = [1.5, 4, 2, 3, 3.5, -4]
        let c = try LogitComparison(logits: logits, reference: reference, shape: [2, 3], referenceShape: [2, 3])
        #expect(c.maxAbsoluteError == 3.5)
        #expect(c.relativeError == 0.875)
        #expect(c.top1Matches == 1)
        #expect(c.top5Matches == 2)  // fewer than five classes: the sets are all classes
        // cos = (1.5 + 16 + 4 + 9 + 0 + 16) / (sqrt(2.25 + 16 + 4 + 9 + 12.25 + 16) · sqrt(1 + 16 + 4 + 9 + 0 + 16))
        let expected = 46.5 / ((59.5).squareRoot() * (46.0).squareRoot())
        #expect(abs(c.cosineSimilarity - expected) < 1e-12)
        #expect(!c.passes(relativeTolerance: 1e-4))
        let same = try LogitComparison(logits: reference, reference: reference, shape: [2, 3], referenceShape: [2, 3])
        #expect(same.passes(relativeTolerance: 0))
        let nan = try LogitComparison(logits: [.nan, 4, 2, 3, 0, -4], reference: reference, shape: [2, 3],
                                      referenceShape: [2, 3])
        #expect(!nan.allFinite && !nan.passes(relativeTolerance: 1))
    }

    /// BatchNorm with zero weight and bias zeroes its convolution's output, which ReLU keeps at zero: the
    /// self-check names it; a negative running variance is named too.
    @Test func selfCheckFindsDeadLayersAndBadVariances() throws {
        let config = try #require(ResNetConfig.named("resnet20"))
        var dict = try SyntheticWeights(config: config).loadAll()
        let zeros = try Tensor(floats: .init(repeating: 0, count: 16), shape: [16])
        try dict.replace(name: "layer1.1.bn1.weight", with: zeros)
        try dict.replace(name: "layer1.1.bn1.bias", with: zeros)
        let clean = try ModelLoader.Loaded(model: ForwardModel(config: config, weights: dict))
        let report = try Validation.selfCheck(clean, modelPath: "m", input: nil, threads: 1)
        #expect(report.deadLayers == ["layer1.1.conv1"])
        #expect(!report.passed)

        var variances = try SyntheticWeights(config: config).loadAll()
        try variances.replace(name: "layer2.0.bn2.running_var",
                              with: Tensor(floats: [-1] + .init(repeating: 1, count: 31), shape: [32]))
        let bad = try ModelLoader.badRunningVariances(in: variances)
        #expect(bad == ["layer2.0.bn2.running_var"])

        let healthy = try ModelLoader.Loaded(
            model: ForwardModel(config: config, weights: SyntheticWeights(config: config)))
        let fine = try Validation.selfCheck(healthy, modelPath: "m", input: nil, threads: 1)
        #expect(fine.passed && fine.deadLayers.isEmpty && fine.finiteOutputs)
    }
}
