import Foundation
import RNXTestSupport
import Testing

/// `rnx run`, `rnx validate` and `rnx bench` as a user runs them, against logits PyTorch computed
/// (`scripts/fixtures/gen_forward_refs.py`).
struct ForwardCommandsTests {
    let input = Fixtures.path("forward/input-cifar.npy")
    let tiny = Fixtures.path("safetensors/cifar-tiny.safetensors")
    let tinyLogits = Fixtures.path("forward/cifar-tiny.logits.npy")

    @Test func validatePassesAgainstTorchLogits() throws {
        let result = try RNXProcess.run(["validate", tiny, "--input", input, "--expect", tinyLogits])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("top-1 agreement: 2/2"), "\(result)")
        #expect(result.stdout.hasSuffix("PASS\n"), "\(result)")
    }

    @Test func validateJSON() throws {
        let result = try RNXProcess.run(["validate", tiny, "--input", input, "--expect", tinyLogits, "--json"])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["relative_error"] as? Double).map { $0 <= 1e-4 } == true, "\(result)")
        #expect(object["top1_agreement"] as? Int == 2)
        #expect(object["passed"] as? Bool == true)
    }

    /// torch's logits for another model are not these logits: exit 1 and the reason.
    @Test func validateFailsOnOtherLogits() throws {
        let other = Fixtures.path("forward/resnet20.logits.npy")
        let result = try RNXProcess.run(["validate", tiny, "--input", input, "--expect", other])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("FAIL: relative error"), "\(result)")
    }

    @Test func validateSelfCheck() throws {
        let result = try RNXProcess.run(["validate", tiny])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("dead layers: none"), "\(result)")
    }

    @Test func validateAgainstTheSameModel() throws {
        let result = try RNXProcess.run(["validate", tiny, "--against", tiny, "--json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\"max_abs_error\":0,"), "\(result)")
    }

    /// `--num-classes 4` keeps the first four classifier rows, so the logits are torch's first four columns.
    @Test func runWritesLogits() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("y.npy").path
        let result = try RNXProcess.run(["run", tiny, "--input", input, "--output", output, "--num-classes", "4"])
        #expect(result.status == 0, "\(result)")
        let ours = try npyFloats(output)
        let torch = try npyFloats(tinyLogits)
        try #require(ours.count == 8 && torch.count == 20)
        var maxError: Float = 0, maxReference: Float = 0
        for row in 0..<2 {
            for column in 0..<4 {
                maxError = max(maxError, abs(ours[row * 4 + column] - torch[row * 10 + column]))
                maxReference = max(maxReference, abs(torch[row * 10 + column]))
            }
        }
        #expect(maxError / maxReference <= 1e-4, "\(ours) vs \(torch)")
    }

    /// `--in-channels 1` sums conv1 over its input channels as convert does; torch did the same to the file.
    @Test func validateWithOneInputChannel() throws {
        let result = try RNXProcess.run([
            "validate", tiny, "--in-channels", "1", "--input", Fixtures.path("forward/input-cifar-gray.npy"),
            "--expect", Fixtures.path("forward/cifar-tiny-gray.logits.npy"),
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("input: 2x1x32x32"), "\(result)")
    }

    @Test func runRejectsWrongChannelCount() throws {
        let directory = try Fixtures.temporaryDirectory()
        let gray = directory.appendingPathComponent("gray.npy").path
        try writeNpy(gray, shape: [1, 1, 32, 32])
        let output = directory.appendingPathComponent("y.npy").path
        let result = try RNXProcess.run(["run", tiny, "--input", gray, "--output", output])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(gray): input has 1 channels, the model expects 3\n")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func runRejectsMalformedInput() throws {
        let result = try RNXProcess.run(["run", tiny, "--input", tiny, "--output", "/tmp/never.npy"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(tiny): not a NumPy .npy file (no \\x93NUMPY magic)\n")
    }

    @Test func runCannotCreateOutput() throws {
        let result = try RNXProcess.run(["run", tiny, "--input", input, "--output", "/nonexistent/y.npy"])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderr == "rnx: /nonexistent/y.npy: cannot create: No such file or directory\n")
    }

    @Test func benchJSON() throws {
        let result = try RNXProcess.run(["bench", "resnet20", "--iterations", "2", "--batch", "2", "--json"])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["median_ms", "min_ms", "images_per_s"] { #expect(object[key] is Double, "\(key): \(result)") }
        #expect((object["times_ms"] as? [Any])?.count == 2)
    }

    @Test func benchUnknownArchitecture() throws {
        let result = try RNXProcess.run(["bench", "resnet7"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr == "rnx: 'resnet7' is neither a named architecture (see rnx archs) nor a file\n")
    }

    /// `bench` and `summary` read ARCH|FILE alike: a name wins over a file of that name (here a resnet20 checkpoint
    /// saved as `resnet18`), and `./resnet18` names the file.
    @Test func architectureNameWinsOverAFileOfThatName() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            atPath: Fixtures.path("checkpoints/resnet20-cifar10.pth"), toPath: directory.appendingPathComponent("resnet18").path)
        func model(_ argument: String) throws -> String? {
            let result = try RNXProcess.run(["bench", argument, "--size", "32", "--iterations", "1", "--json"], in: directory)
            #expect(result.status == 0, "\(result)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return object?["model"] as? String
        }
        #expect(try model("resnet18") == "resnet18")
        #expect(try model("./resnet18") == "resnet20")
        func totalParams(_ text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix("Total params") }.map(String.init)
        }
        func summaryTotal(_ argument: String) throws -> String? {
            let result = try RNXProcess.run(["summary", argument], in: directory)
            #expect(result.status == 0, "\(result)")
            return totalParams(result.stdout)
        }
        // The totals torchinfo printed for each network (scripts/fixtures/gen_summary_refs.py).
        let resnet18 = totalParams(try String(contentsOfFile: Fixtures.path("summary/resnet18.torchinfo.txt"), encoding: .utf8))
        let resnet20 = totalParams(try String(contentsOfFile: Fixtures.path("summary/resnet20.torchinfo.txt"), encoding: .utf8))
        #expect(resnet18 != nil && resnet18 != resnet20)
        #expect(try summaryTotal("resnet18") == resnet18)
        #expect(try summaryTotal("./resnet18") == resnet20)
    }

    /// `--arch` checks a file against an architecture; with a name it would be ignored, so it is refused.
    @Test func benchRefusesArchWithAnArchitectureName() throws {
        let result = try RNXProcess.run(["bench", "resnet18", "--arch", "resnet50"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr == "rnx: resnet18: --arch resnet50 applies to model files; resnet18 is an architecture name already\n")
    }

    @Test func benchRejectsZeroIterations() throws {
        let result = try RNXProcess.run(["bench", "resnet20", "--iterations", "0"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--iterations must be at least 1"), "\(result)")
    }

    /// The real checkpoints the readers' generator wrote, end to end through the torch readers: the zip file and
    /// the training checkpoint (state dict under `state_dict`, `module.` prefix) against torch's logits.
    @Test(arguments: [("resnet20-cifar10.pth", "resnet20-cifar10"), ("resnet20-training.pth.tar", "resnet20-training")])
    func validateRealCheckpoint(file: String, logits: String) throws {
        let result = try RNXProcess.run([
            "validate", Fixtures.path("checkpoints/\(file)"), "--input", input,
            "--expect", Fixtures.path("forward/\(logits).logits.npy"), "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["architecture"] as? String == "resnet20")
        #expect((object["relative_error"] as? Double).map { $0 <= 1e-4 } == true, "\(result)")
        #expect(object["top1_agreement"] as? Int == 2)
    }

    /// The legacy-format copy of the same weights gives the same logits as the zip file.
    @Test func validateLegacyAgainstZip() throws {
        let result = try RNXProcess.run([
            "validate", Fixtures.path("checkpoints/resnet20-cifar10-legacy.pth"),
            "--against", Fixtures.path("checkpoints/resnet20-cifar10.pth"),
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("max abs error: 0.000e+00"), "\(result)")
    }

    /// A file that is no ResNet gets convert's mapping error, naming the file.
    @Test func runRejectsNonResNetFiles() throws {
        let file = Fixtures.path("safetensors/mismatched.safetensors")
        let result = try RNXProcess.run(["run", file, "--input", input, "--output", "/tmp/never.npy"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("rnx: \(file): "), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
    }

    private func npyFloats(_ path: String) throws -> [Float] {
        // Version-1 header: its length is the little-endian UInt16 at offset 8.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let start = 10 + Int(bytes[8]) + Int(bytes[9]) << 8
        return stride(from: start, to: bytes.count, by: 4).map { offset in
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                  | UInt32(bytes[offset + 3]) << 24)
        }
    }

    private func writeNpy(_ path: String, shape: [Int]) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': ("
            + shape.map(String.init).joined(separator: ", ") + "), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0]
        bytes += Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: shape.reduce(1, *) * 4)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
