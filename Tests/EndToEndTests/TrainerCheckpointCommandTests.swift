import Foundation
import RNXTestSupport
import Testing

/// Training checkpoints of pytorch/examples, timm and Lightning, DDP and torch.compile prefixes, through the built
/// `rnx` (`fixtures/checkpoints/trainers/`, by `scripts/fixtures/gen_trainer_checkpoints.py`).
struct TrainerCheckpointCommandTests {
    static func path(_ name: String) -> String { Fixtures.path("checkpoints/trainers/" + name) }

    @Test func inspectSaysWhereTheModelIsAndWhatElseWasFound() throws {
        let examples = try RNXProcess.run(["inspect", Self.path("examples.pth.tar")])
        #expect(examples.status == 0, "\(examples)")
        #expect(examples.stdout.contains("\nstate dict: found under 'state_dict' (also found: 'best_acc1', 'optimizer' "
            + "\u{2014} not a model); stripped prefix 'module.'\n"), "\(examples)")
        let timm = try RNXProcess.run(["inspect", Self.path("timm.pth.tar")])
        #expect(timm.stdout.contains("\nstate dict: found under 'state_dict' (also found: 'state_dict_ema' \u{2014} same "
            + "layout; 'optimizer' \u{2014} not a model)\n"), "\(timm)")
        let lightning = try RNXProcess.run(["inspect", Self.path("lightning-backbone.ckpt"), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lightning.stdout.utf8)) as? [String: Any])
        #expect(object["state_dict_path"] as? String == "state_dict")
        #expect(object["stripped_prefixes"] as? [String] == ["backbone."])
        #expect((object["also_found"] as? [[String: String]])?.map { $0["path"] ?? "" } == ["callbacks", "optimizer_states"])
    }

    /// Two models of different layouts: no guess; exit 64 (a usage error: say which with --key).
    @Test func severalModelsAskForKey() throws {
        let file = Self.path("gan.pth")
        for command in [["inspect", file], ["convert", file, "/tmp/rnx-gan-never.rnw"]] {
            let result = try RNXProcess.run(command)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr == "rnx: \(file): the checkpoint holds 2 different models: 'netG' (9 tensors), "
                + "'netD' (4 tensors); choose one with --key\n", "\(result)")
        }
        let picked = try RNXProcess.run(["inspect", file, "--key", "netD"])
        #expect(picked.status == 0 && picked.stdout.contains("state dict: found under 'netD'"), "\(picked)")
        let missing = try RNXProcess.run(["run", Self.path("timm.pth.tar"), "--key", "ema", "--input", "x.npy",
                                          "--output", "y.npy"])
        #expect(missing.status == 64, "\(missing)")
        #expect(missing.stderr == "rnx: \(Self.path("timm.pth.tar")): --key 'ema': no dict of tensors there; the file "
            + "has them under 'optimizer', 'state_dict', 'state_dict_ema'\n", "\(missing)")
    }

    /// Every trainer's file converts, verifies and runs; `--key` picks the EMA copy, which gives other logits.
    @Test func convertVerifyRunEveryTrainersFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = Fixtures.path("forward/input-cifar.npy")
        for name in ["examples.pth.tar", "lightning-model.ckpt", "lightning-net.ckpt", "lightning-backbone.ckpt",
                     "ddp-compile.pth", "compile-ddp.pth", "nested-ema.pth"] {
            let rnw = directory.appendingPathComponent(name + ".rnw").path
            let convert = try RNXProcess.run(["convert", Self.path(name), rnw])
            #expect(convert.status == 0, "\(name): \(convert)")
            let verify = try RNXProcess.run(["verify", Self.path(name), rnw])
            #expect(verify.status == 0, "\(name): \(verify)")
            let logits = directory.appendingPathComponent(name + ".npy").path
            let run = try RNXProcess.run(["run", Self.path(name), "--input", input, "--output", logits])
            #expect(run.status == 0, "\(name): \(run)")
            let same = try RNXProcess.run(["validate", rnw, "--input", input, "--expect", logits])
            #expect(same.status == 0, "\(name): \(same)")
        }
        let online = directory.appendingPathComponent("online.npy").path
        let run = try RNXProcess.run(["run", Self.path("nested-ema.pth"), "--key", "model.online", "--input", input,
                                      "--output", online])
        #expect(run.status == 0, "\(run)")
        let differs = try RNXProcess.run(["validate", Self.path("nested-ema.pth"), "--input", input, "--expect", online])
        #expect(differs.status == 1, "the EMA copy's logits must differ from the online one's: \(differs)")
        let timm = try RNXProcess.run(["verify", Self.path("timm.pth.tar"), "--key", "state_dict_ema"])
        #expect(timm.status == 0 && timm.stdout.contains(": OK resnet18, 122 tensors"), "\(timm)")
    }
}
