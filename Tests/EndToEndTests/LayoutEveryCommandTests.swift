import Foundation
import RNXTestSupport
import Testing

/// Every command that takes a model takes timm's and transformers' (a bare file, a save_pretrained directory, and
/// the bare file rnx writes with its config inside), as it takes torchvision's.
struct LayoutEveryCommandTests {
    /// A timm ResNet with a deep stem, avg-down and SE (1 input channel), a v1 transformers directory (config.json
    /// written by `rnx convert --to hf`) and the bare .pth rnx writes of it. (The constant weights of a whole
    /// seresnet18 overflow to infinity, which validate rightly fails.)
    static func models() throws -> (timm: String, hf: String, bare: String) {
        let directory = try Fixtures.temporaryDirectory()
        let timm = directory.appendingPathComponent("timm-se.safetensors").path
        try LayoutCommandTests.write("timm_basic_1111_deep16_avgdown_se_c7_in1", to: timm)
        let source = directory.appendingPathComponent("hf.safetensors").path
        try LayoutCommandTests.write("hf_bottleneck_1111_v1_c5_in1", to: source)
        let hf = directory.appendingPathComponent("hf-v1").path
        let converted = try RNXProcess.run(["convert", source, hf, "--stride-in", "1x1"])
        #expect(converted.status == 0, "\(converted)")
        let bare = directory.appendingPathComponent("hf-v1.pth").path
        let again = try RNXProcess.run(["convert", hf, bare])
        #expect(again.status == 0, "\(again)")
        return (timm, hf, bare)
    }

    @Test func inspectVerifyValidateBenchRunSummary() throws {
        let (timm, hf, bare) = try Self.models()
        for model in [timm, hf, bare] {
            let inspected = try RNXProcess.run(["inspect", model])
            #expect(inspected.status == 0 && inspected.stdout.contains("tensors"), "\(inspected)")
            let verified = try RNXProcess.run(["verify", model])
            #expect(verified.status == 0 && verified.stdout.contains(": OK "), "\(verified)")
            let validated = try RNXProcess.run(["validate", model, "--threads", "1"])
            #expect(validated.status == 0 && validated.stdout.hasSuffix("PASS\n"), "\(validated)")
            // A v1 model needs no note: its config (beside it, or inside the bare file) says where it strides.
            #expect(!validated.stderr.contains("assumed"), "\(validated)")
            let bench = try RNXProcess.run(["bench", model, "--size", "32", "--iterations", "1", "--threads", "1", "--json"])
            #expect(bench.status == 0 && bench.stdout.contains("\"median_ms\""), "\(bench)")
            let summary = try RNXProcess.run(["summary", model, "--input-size", "1x64x64"])
            #expect(summary.status == 0 && summary.stdout.contains("Total params"), "\(summary)")
        }
    }

    /// The directory and the bare file are the same model: same config.json, same tensors, same summary.
    @Test func bareFileCarriesTheDirectorysConfig() throws {
        let (_, hf, bare) = try Self.models()
        let inspected = try RNXProcess.run(["inspect", bare])
        #expect(inspected.stdout.contains("transformers_config"), "\(inspected)")
        let fromDirectory = try RNXProcess.run(["summary", hf, "--input-size", "1x64x64"])
        let fromFile = try RNXProcess.run(["summary", bare, "--input-size", "1x64x64"])
        #expect(fromDirectory.status == 0 && fromDirectory.stdout == fromFile.stdout)
    }
}
