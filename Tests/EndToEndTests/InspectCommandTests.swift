import Foundation
import RNXTestSupport
import Testing

/// `rnx inspect` as a user runs it. Expected names, shapes and entries come from the torch-written fixtures' JSON
/// (`scripts/fixtures/gen_checkpoints.py`), never from rnx.
struct InspectCommandTests {
    private func expectedTensors(_ name: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data("checkpoints/\(name).json"))
        return try #require((object as? [String: Any])?["tensors"] as? [[String: Any]])
    }

    @Test func textReportOfTrainingCheckpoint() throws {
        let path = Fixtures.path("checkpoints/resnet20-training.pth.tar")
        let result = try RNXProcess.run(["inspect", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("format: zip (torch.save, torch >= 1.6), serialization version 3, pickle protocol 2"))
        #expect(lines.contains("state dict: found under 'state_dict'; stripped prefix 'module.'"))
        // conv1 of the CIFAR resnet20: 16 filters of 3x3 over 3 channels = 432 float32 = 1,728 bytes.
        #expect(lines.contains {
            $0.split(separator: " ").map(String.init) == ["conv1.weight", "float32", "[16,", "3,", "3,", "3]", "432", "1,728"]
        })
        #expect(lines.contains("  epoch     = 200"))
        #expect(lines.contains("  arch      = 'resnet20'"))
        #expect(lines.contains("  best_acc1 = 91.73"))
        let tensors = try expectedTensors("resnet20-training.pth.tar")
        #expect(lines.contains { $0.hasPrefix("total (\(tensors.count) tensors)") })
    }

    @Test func jsonListsEveryTensor() throws {
        let name = "resnet20-cifar10.pth"
        let result = try RNXProcess.run(["inspect", Fixtures.path("checkpoints/" + name), "--json"])
        #expect(result.status == 0, "\(result)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let json = try #require(object as? [String: Any])
        #expect(json["format"] as? String == "zip")
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        let expected = try expectedTensors(name)
        #expect(tensors.count == expected.count)
        for (got, want) in zip(tensors, expected) {
            #expect(got["name"] as? String == want["name"] as? String)
            #expect(got["dtype"] as? String == want["dtype"] as? String)
            #expect(got["shape"] as? [Int] == want["shape"] as? [Int])
        }
        let elements = expected.reduce(0) { $0 + (($1["shape"] as? [Int]) ?? []).reduce(1, *) }
        #expect(json["total_elements"] as? Int == elements)
    }

    /// `crc.pth` (scripts/fixtures/gen_checkpoint_errors.py) has one bit of `data/0` flipped: the directory and
    /// pickle are fine, so only reading the bytes finds it.
    @Test func checkDataReadsEveryTensor() throws {
        let damaged = Fixtures.path("checkpoints/errors/crc.pth")
        let plain = try RNXProcess.run(["inspect", damaged])
        #expect(plain.status == 0, "\(plain)")
        let checked = try RNXProcess.run(["inspect", "--check-data", damaged])
        #expect(checked.status == 65, "\(checked)")
        #expect(checked.stdout.isEmpty)
        #expect(
            checked.stderr == "rnx: \(damaged): tensor base: corrupt zip archive: entry 'views/data/0' fails its CRC-32 check\n")
        let good = try RNXProcess.run(["inspect", "--check-data", Fixtures.path("checkpoints/resnet20-cifar10.pth")])
        #expect(good.status == 0, "\(good)")
        #expect(good.stdout.contains("total (116 tensors)"), "\(good)")
    }

    @Test func missingFileExits66() throws {
        let result = try RNXProcess.run(["inspect", "/nonexistent/model.pth"])
        #expect(result.status == 66)
        #expect(result.stderr == "rnx: /nonexistent/model.pth: cannot open: No such file or directory\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func nonCheckpointExits65() throws {
        let path = Fixtures.path("checkpoints/README.md")
        let result = try RNXProcess.run(["inspect", path])
        #expect(result.status == 65)
        #expect(result.stderr == "rnx: \(path): not a PyTorch checkpoint or safetensors file (unrecognized format)\n")
    }

    @Test func dangerousGlobalExits65() throws {
        let path = Fixtures.path("checkpoints/errors/os-system.pth")
        let result = try RNXProcess.run(["inspect", path])
        #expect(result.status == 65)
        #expect(result.stderr == "rnx: \(path): pickle references posix.system at byte 13, which rnx refuses to load (not a tensor or container)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func wholeModuleGivesItsWeights() throws {
        let path = Fixtures.path("checkpoints/whole-module.pth")
        let result = try RNXProcess.run(["inspect", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\n0.weight "), "\(result)")
    }

    /// --globals is the scan: the malicious file gets its report, then exit 1 naming the global and its reason.
    @Test func globalsFlagsDangerousGlobals() throws {
        let path = Fixtures.path("checkpoints/errors/os-system.pth")
        let result = try RNXProcess.run(["inspect", "--globals", path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("    dangerous  posix.system  GLOBAL  byte 13: runs a shell command\n"), "\(result)")
        #expect(result.stderr == "rnx: \(path): dangerous: pickle references 1 dangerous global: posix.system (runs a shell command)\n")
    }

    @Test func globalsOfACleanFileExit0() throws {
        let result = try RNXProcess.run(["inspect", "--globals", "--json", Fixtures.path("checkpoints/resnet20-cifar10.pth")])
        #expect(result.status == 0, "\(result)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let file = try #require((json["files"] as? [[String: Any]])?.first)
        let globals = (file["pickles"] as? [[String: Any]] ?? []).flatMap { $0["globals"] as? [[String: Any]] ?? [] }
        let names = Set(globals.compactMap { "\($0["module"] ?? "").\($0["name"] ?? "")" })
        // What torch 2.15 writes for a float state dict (pickletools shows these GLOBAL opcodes).
        #expect(names == ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.LongStorage"])
        #expect(file["verdict"] as? String == "clean")
    }

    /// The TorchScript archive and the whole model, refused by the normal load, are scanned; their classes are data.
    @Test func globalsScansFilesTheLoadRefuses() throws {
        let result = try RNXProcess.run(["inspect", "--globals", Fixtures.path("checkpoints/whole-module.pth")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("data       torch.nn.modules.container.Sequential"), "\(result)")
        let script = try RNXProcess.run(["inspect", "--globals", Fixtures.path("checkpoints/torchscript.pt")])
        #expect(script.stdout.contains("constants.pkl"), "\(script)")
    }

    @Test func torchScriptGivesItsWeights() throws {
        let path = Fixtures.path("checkpoints/torchscript.pt")
        let result = try RNXProcess.run(["inspect", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("torchscript = code/ and constants.pkl not read"), "\(result)")
    }

    /// safetensors files go to the convert helper's reader; their metadata (written by gen_safetensors.py) is shown.
    @Test func safetensorsFile() throws {
        let result = try RNXProcess.run(["inspect", Fixtures.path("safetensors/cifar-tiny.safetensors")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\nformat: safetensors\n"))
        #expect(result.stdout.contains("\n  origin = gen_safetensors.py"))
        let globals = try RNXProcess.run(["inspect", "--globals", Fixtures.path("safetensors/cifar-tiny.safetensors")])
        #expect(globals.status == 0)
        #expect(globals.stdout.contains(": clean (safetensors: holds no pickle)"), "\(globals)")
    }
}
