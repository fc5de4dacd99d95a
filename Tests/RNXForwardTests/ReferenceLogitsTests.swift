import Foundation
import RNXArch
import RNXCheckpoint
import RNXForward
import RNXTestSupport
import Testing

/// The forward pass against torchvision's logits for the same synthetic weights.
///
/// `scripts/fixtures/gen_forward_refs.py` filled each torchvision model (and the shared CIFAR definition) with the
/// formula of `scripts/fixtures/synthetic_weights.py`, ran it in eval mode and saved the inputs and logits.
/// `SyntheticWeights` recomputes the same weights here, so only inputs and logits are committed.
struct ReferenceLogitsTests {
    static let families: [(arch: String, input: String)] = [
        ("resnet18", "imagenet"), ("resnet50", "imagenet"), ("resnext50_32x4d", "imagenet"),
        ("wide_resnet50_2", "imagenet"), ("resnet20", "cifar"), ("resnet20-b", "cifar"),
    ]

    /// Both engines, each on the library it names (oneDNN takes every layout, so no silent fallback); only those
    /// `RNX_TEST_ENGINES` lists (comma-separated) when set, as `make test`'s runs under lesser ISAs do.
    static let engines: [ForwardEngine] = {
        guard let list = ProcessInfo.processInfo.environment["RNX_TEST_ENGINES"] else { return [.onednn, .openblas] }
        return list.split(separator: ",").compactMap { ForwardEngine(rawValue: String($0)) }
    }()

    /// oneDNN's instruction sets in order (`make test` runs these tests again under `ONEDNN_MAX_CPU_ISA` caps).
    static let isaOrder = ["sse41", "avx", "avx2", "avx2_vnni", "avx512_core", "avx512_core_vnni", "avx512_core_bf16",
                           "avx512_core_amx"]

    /// Whether `isa` is at most the `ONEDNN_MAX_CPU_ISA` this process runs under (any, without one).
    static func withinCap(_ isa: String) -> Bool {
        guard let cap = ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"]?.lowercased(), cap != "all",
              let limit = isaOrder.firstIndex(of: cap)
        else { return true }
        return (isaOrder.firstIndex(of: isa) ?? Int.max) <= limit
    }

    @Test(arguments: families, engines)
    func matchesTorchvision(family: (arch: String, input: String), engine: ForwardEngine) throws {
        let (arch, input) = family
        let config = try #require(ResNetConfig.named(arch))
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-\(input).npy"))
        let expected = try NumpyArray(contentsOfFile: Fixtures.path("forward/\(arch).logits.npy"))
        for threads in [1, 2] {
            let plan = try ForwardPlan(model: model, batch: x.shape[0], channels: x.shape[1], height: x.shape[2],
                                       width: x.shape[3], threads: threads, engine: engine)
            #expect(plan.engine.library == (engine == .onednn ? "oneDNN" : "OpenBLAS"), "\(plan.engine)")
            if engine == .onednn { #expect(Self.withinCap(plan.engine.isa), "\(plan.engine)") }
            let logits = try plan.run(x.values)
            let comparison = try LogitComparison(
                logits: logits, reference: expected.values, shape: [x.shape[0], config.numClasses],
                referenceShape: expected.shape)
            #expect(comparison.relativeError <= 1e-4, "\(arch) \(engine) threads \(threads): \(comparison)")
            #expect(comparison.top1Matches == 2, "\(arch) \(engine) threads \(threads): \(comparison)")
        }
    }

    /// An odd, non-square input exercises padding and stride edges, adaptive pooling over 2×2 (ImageNet) and the
    /// CIFAR net's avg_pool2d over the top 10×10 of a 12×10 map.
    @Test(arguments: ["resnet18", "resnet20-b"], engines)
    func matchesTorchvisionOnOddSizes(arch: String, engine: ForwardEngine) throws {
        let config = try #require(ResNetConfig.named(arch))
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let x = try NumpyArray(contentsOfFile: Fixtures.path("forward/input-odd.npy"))
        #expect(x.shape == [1, 3, 45, 37])
        let expected = try NumpyArray(contentsOfFile: Fixtures.path("forward/\(arch)-odd.logits.npy"))
        let logits = try model.run(x.values, shape: x.shape, threads: 2, engine: engine)
        let comparison = try LogitComparison(
            logits: logits, reference: expected.values, shape: [1, config.numClasses], referenceShape: expected.shape)
        #expect(comparison.passes(relativeTolerance: 1e-4), "\(arch) \(engine): \(comparison)")
    }
}
