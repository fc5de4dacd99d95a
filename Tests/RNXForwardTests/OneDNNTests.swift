import CDNNL
import RNXArch
import Testing

@testable import RNXForward

/// oneDNN as rnx calls it: the engine, what a refused call says, and the plan's use of the library.
struct OneDNNTests {
    /// The engine loads and says its version and instruction set.
    @Test func engineLoads() throws {
        let dnnl = try OneDNN.shared()
        #expect(dnnl.version.split(separator: ".").count == 3, "\(dnnl.version)")
        #expect(!dnnl.isa.isEmpty)
    }

    /// A call oneDNN refuses (a negative dimension) is `engineFailure` naming the call and dnnl_invalid_arguments,
    /// an I/O-class error (exit 74) that says oneDNN failed.
    @Test func refusedCallIsEngineFailure() {
        #expect(throws: ForwardError.engineFailure(call: "dnnl_memory_desc_init_by_tag",
                                                   status: Int(dnnl_invalid_arguments.rawValue))) {
            _ = try OneDNN.descriptor([-1, 3], dnnl_nc)
        }
        let error = ForwardError.engineFailure(call: "dnnl_memory_desc_init_by_tag", status: 2)
        #expect(error.description == "oneDNN failed: dnnl_memory_desc_init_by_tag returned status 2")
        #expect(error.category.exitStatus == 74)
    }

    /// Asked for by name, each engine runs (no fallback) and says so; the logits agree within float32 rounding.
    @Test func bothEnginesAgreeOnABottleneck() throws {
        let config = try #require(ResNetConfig.named("resnet50"))
        let model = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
        let x = FixedInput.values(count: 2 * 3 * 64 * 64)
        let a = try ForwardPlan(model: model, batch: 2, channels: 3, height: 64, width: 64, threads: 2, engine: .onednn)
        let b = try ForwardPlan(model: model, batch: 2, channels: 3, height: 64, width: 64, threads: 2,
                                engine: .openblas)
        #expect(a.engine.library == "oneDNN" && a.engine.chosenBy == "user")
        #expect(b.engine.library == "OpenBLAS" && b.engine.reason == "engine openblas asked for")
        let comparison = try LogitComparison(logits: try a.run(x), reference: try b.run(x), shape: [2, 1000],
                                             referenceShape: [2, 1000])
        #expect(comparison.relativeError <= 1e-5, "\(comparison)")
        // A second pass of the same plan gives the same logits (buffers rotate, nothing is left over).
        #expect(try a.run(x) == a.run(x))
    }
}
