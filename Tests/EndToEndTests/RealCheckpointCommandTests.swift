import Foundation
import RNXTestSupport
import Testing

/// The pretrained CIFAR-10 ResNet-20 everybody uses (`fixtures/real/resnet20-12fca82f.th`, torch 0.3/0.4 legacy
/// format, v1 tensor rebuilds, cuda:0 storages, `module.` prefix) through every command, as a user runs them.
/// Expected logits are PyTorch's for akamaster's model with these weights (`scripts/fixtures/gen_real.py`).
struct RealCheckpointCommandTests {
    let real = Fixtures.path("real/resnet20-12fca82f.th")
    let input = Fixtures.path("forward/input-cifar.npy")
    let logits = Fixtures.path("real/resnet20-12fca82f.logits.npy")

    @Test func inspectFindsTheStateDict() throws {
        let result = try RNXProcess.run(["inspect", real])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("state dict: found under 'state_dict'; stripped prefix 'module.'"), "\(result)")
        #expect(result.stdout.contains("best_prec1"), "\(result)")
        #expect(result.stdout.contains("total (97 tensors)"), "\(result)")
    }

    @Test func validateGivesTorchsLogits() throws {
        let result = try RNXProcess.run(["validate", real, "--input", input, "--expect", logits])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("top-1 agreement: 2/2"), "\(result)")
        #expect(result.stdout.hasSuffix("PASS\n"), "\(result)")
    }

    /// `run` writes the logits; a converted `.rnw` gives the same ones, and `verify` passes both files with the
    /// torch.hub hash its name carries.
    @Test func runConvertVerify() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("y.npy").path
        let run = try RNXProcess.run(["run", real, "--input", input, "--output", output])
        #expect(run.status == 0, "\(run)")
        let check = try RNXProcess.run(["validate", real, "--input", input, "--expect", output])
        #expect(check.status == 0 && check.stdout.contains("max abs error: 0.000e+00"), "\(check)")

        let rnw = directory.appendingPathComponent("resnet20.rnw").path
        let convert = try RNXProcess.run(["convert", real, rnw])
        #expect(convert.status == 0, "\(convert)")
        let converted = try RNXProcess.run(["validate", rnw, "--input", input, "--expect", logits])
        #expect(converted.status == 0 && converted.stdout.hasSuffix("PASS\n"), "\(converted)")

        let verify = try RNXProcess.run(["verify", real, rnw])
        #expect(verify.status == 0, "\(verify)")
        let lines = verify.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(real): OK resnet20, 97 tensors, sha256 "
            + "12fca82f0bebc4135bf1f32f6e3710e61d5108578464b84fd6d7f5c1b04036c8", "\(verify)")
    }

    /// A quantized state dict is refused by key and kind, through the command line's one-line error.
    @Test func quantizedIsRefusedWithKeyAndKind() throws {
        let file = Fixtures.path("checkpoints/rebuilds/quantized.pth")
        let result = try RNXProcess.run(["convert", file, "/tmp/rnx-never-written.rnw"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(file): tensor 'fc.weight' is a quantized tensor "
            + "(torch._utils._rebuild_qtensor at byte 208); rnx reads dense tensors only\n", "\(result)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rnx-never-written.rnw"))
    }
}

/// `torch.save(model)` files and TorchScript archives (`scripts/fixtures/gen_module_pickles.py`) through every
/// command: their weights come out of the recorded module classes, which are never imported.
struct ModulePickleCommandTests {
    @Test func inspectNamesTheRecordedModuleClass() throws {
        let whole = try RNXProcess.run(["inspect", Fixtures.path("checkpoints/modules/whole-model.pth")])
        #expect(whole.stdout.contains("\nstate dict: at the top level, walked from the pickled module "
            + "torchvision.models.resnet.ResNet\n"), "\(whole)")
        let inDict = try RNXProcess.run(["inspect", Fixtures.path("checkpoints/modules/in-dict.pth")])
        #expect(inDict.stdout.contains("\nstate dict: found under 'model', walked from the pickled module "
            + "cifar_resnet.ResNet\n"), "\(inDict)")
        #expect(inDict.stdout.contains("  epoch = 3\n"), "\(inDict)")
        let traced = try RNXProcess.run(["inspect", Fixtures.path("checkpoints/modules/traced.pt")])
        #expect(traced.stdout.contains("walked from the pickled module __torch__.torchvision.models.resnet.ResNet"))
    }

    @Test(arguments: ["whole-model.pth", "in-dict.pth", "scripted.pt", "traced.pt"])
    func convertVerifyRun(_ name: String) throws {
        let file = Fixtures.path("checkpoints/modules/" + name)
        let directory = try Fixtures.temporaryDirectory()
        let rnw = directory.appendingPathComponent("out.rnw").path
        let convert = try RNXProcess.run(["convert", file, rnw])
        #expect(convert.status == 0, "\(name): \(convert)")
        let verify = try RNXProcess.run(["verify", file, rnw])
        #expect(verify.status == 0, "\(name): \(verify)")
        let logits = directory.appendingPathComponent("y.npy").path
        let run = try RNXProcess.run(["run", file, "--input", Fixtures.path("forward/input-cifar.npy"), "--output", logits])
        #expect(run.status == 0, "\(name): \(run)")
        let same = try RNXProcess.run(["validate", rnw, "--input", Fixtures.path("forward/input-cifar.npy"), "--expect", logits])
        #expect(same.status == 0, "\(name): \(same)")
    }
}

/// numpy values in a checkpoint are plain entries: `inspect` shows them, nothing is built or run.
struct NumpyValueCommandTests {
    @Test func inspectShowsNumpyEntries() throws {
        let file = Fixtures.path("checkpoints/rebuilds/numpy-values.pth")
        let result = try RNXProcess.run(["inspect", file])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("  class_weights = array(shape=(2,), dtype='<f8')\n"), "\(result)")
        #expect(result.stdout.contains("  acc           = np.float64(0.9)\n"), "\(result)")
        let globals = try RNXProcess.run(["inspect", "--globals", file])
        #expect(globals.status == 0, "numpy's reconstruct functions are on the allowlist: \(globals)")
    }
}
