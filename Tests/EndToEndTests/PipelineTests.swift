import Foundation
import RNXTestSupport
import Testing

/// The whole pipeline a user runs: a checkpoint torch wrote → `rnx convert` → `.rnw` → `rnx validate`, whose logits
/// must still be torch's (fixtures/forward/resnet20-cifar10.logits.npy, by scripts/fixtures/gen_forward_refs.py).
struct PipelineTests {
    let source = Fixtures.path("checkpoints/resnet20-cifar10.pth")
    let input = Fixtures.path("forward/input-cifar.npy")
    let torchLogits = Fixtures.path("forward/resnet20-cifar10.logits.npy")

    @Test(arguments: ["f32", "f16"])
    func convertedFileGivesTheSourceLogits(dtype: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("resnet20.rnw").path
        let convert = try RNXProcess.run(["convert", source, output, "--dtype", dtype])
        #expect(convert.status == 0, "\(convert)")

        // f16 keeps 11 significant bits (relative rounding ≤ 2^-11 ≈ 4.9e-4 per weight), so its logits are held to
        // 1e-2 relative error; f32 weights are the same numbers, so their logits agree exactly.
        let rtol = dtype == "f32" ? "1e-4" : "1e-2"
        let against = try RNXProcess.run(["validate", output, "--against", source, "--rtol", rtol])
        #expect(against.status == 0, "\(against)")
        #expect(against.stdout.contains("top-1 agreement: 2/2"), "\(against)")
        if dtype == "f32" {
            #expect(against.stdout.contains("max abs error: 0"), "\(against)")
        }

        if dtype == "f32" {
            let expect = try RNXProcess.run(["validate", output, "--input", input, "--expect", torchLogits])
            #expect(expect.status == 0, "\(expect)")
            #expect(expect.stdout.hasSuffix("PASS\n"), "\(expect)")
        }
    }

    /// A legacy-format file and a training checkpoint of the same weights give the same logits as the zip file.
    @Test(arguments: ["checkpoints/resnet20-cifar10-legacy.pth", "checkpoints/resnet20-training.pth.tar"])
    func everyContainerOfTheSameWeightsAgrees(path: String) throws {
        let result = try RNXProcess.run(["validate", Fixtures.path(path), "--input", input, "--expect", torchLogits])
        #expect(result.status == 0, "\(result)")
    }
}
