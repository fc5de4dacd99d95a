import Foundation
import RNXTestSupport
import Testing

/// `rnx verify` as CI runs it: one line per file, exit 0 only if all pass.
struct VerifyCommandTests {
    @Test func oneLinePerFileAndExitOneOnAnyFailure() throws {
        let good = Fixtures.path("safetensors/cifar-tiny.safetensors")
        let bad = Fixtures.path("safetensors/mismatched.safetensors")
        let result = try RNXProcess.run(["verify", good, bad, "/nonexistent/x.rnw"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("\(good): OK custom, 44 tensors, sha256 "))
        #expect(
            lines[1] == "\(bad): FAIL weights do not fit the architecture (3 problems): missing keys: linear.bias; "
                + "unexpected keys: extra.weight; layer2.0.conv2.weight: expected [32, 32, 3, 3], found [32, 16, 3, 3]")
        #expect(lines[2] == "/nonexistent/x.rnw: FAIL cannot open: No such file or directory")
        let pass = try RNXProcess.run(["verify", good])
        #expect(pass.status == 0)
    }

    /// The demo checkpoint written by torch.save, converted and verified as CI would.
    @Test func torchCheckpointConvertsAndVerifies() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = Fixtures.path("checkpoints/resnet20-cifar10.pth")
        let convert = try RNXProcess.run(["convert", input, "r20.rnw", "--arch", "resnet20"], in: directory)
        #expect(convert.status == 0, "\(convert)")
        #expect(convert.stdout.contains("architecture: resnet20 (10 classes, 3 input channels)\ntensors: 116\n"))
        let verify = try RNXProcess.run(["verify", "r20.rnw", input, "--arch", "resnet20"], in: directory)
        #expect(verify.status == 0, "\(verify)")
        let lines = verify.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains(": OK resnet20, 116 tensors, sha256 ") })
    }

    @Test func hubNamePrefixMustMatch() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("tiny-deadbeef.safetensors").path
        try FileManager.default.copyItem(atPath: Fixtures.path("safetensors/cifar-tiny.safetensors"), toPath: path)
        let result = try RNXProcess.run(["verify", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains(": FAIL SHA-256 "))
        #expect(result.stdout.hasSuffix(" does not start with deadbeef from the file name\n"))
    }

    @Test func jsonForMachines() throws {
        let result = try RNXProcess.run(["verify", "--json", Fixtures.path("safetensors/cifar-tiny.safetensors")])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == true)
        let file = try #require((object?["files"] as? [[String: Any]])?.first)
        #expect(file["tensors"] as? Int == 44)
        #expect(file["format"] as? String == "safetensors")
        #expect((file["sha256"] as? String)?.count == 64)
    }

    @Test func badOptionsAreUsageErrors() throws {
        let digest = try RNXProcess.run(["verify", "--sha256", "abc", "x"])
        #expect(digest.status == 64)
        #expect(digest.stderr == "rnx: --sha256 'abc' is not a SHA-256 (64 hexadecimal digits)\n")
        let arch = try RNXProcess.run(["verify", "--arch", "resnet19", "x"])
        #expect(arch.status == 64)
        #expect(arch.stderr == "rnx: unknown architecture 'resnet19' (rnx archs lists the names)\n")
        let none = try RNXProcess.run(["verify"])
        #expect(none.status == 64)
    }
}
