import Foundation
import RNXTestSupport
import Testing

/// torch's tar format (torch < 0.1.10) through the built `rnx`: the generated CIFAR ResNet
/// (`scripts/fixtures/gen_tar_checkpoints.py`, proved with today's torch.load) against torch's logits, and the real
/// beginning of torchvision's original resnet18 release.
struct TarCheckpointTests {
    let tiny = Fixtures.path("checkpoints/tar/cifar-tiny.pth")
    let real = Fixtures.path("real/resnet18-5c106cde.first-1MiB.pth")

    @Test func validateAgainstTorchLogits() throws {
        let result = try RNXProcess.run([
            "validate", tiny, "--input", Fixtures.path("forward/input-cifar.npy"),
            "--expect", Fixtures.path("forward/cifar-tiny-tar.logits.npy"), "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["relative_error"] as? Double).map { $0 <= 1e-4 } == true, "\(result)")
        #expect(object["top1_agreement"] as? Int == 2)
    }

    @Test func runWritesTorchLogits() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = try RNXProcess.run(
            ["run", tiny, "--input", Fixtures.path("forward/input-cifar.npy"), "--output", "y.npy"], in: directory)
        #expect(run.status == 0, "\(run)")
        let check = try RNXProcess.run(
            ["validate", tiny, "--input", Fixtures.path("forward/input-cifar.npy"),
             "--expect", directory.appendingPathComponent("y.npy").path])
        #expect(check.status == 0, "\(check)")
    }

    @Test func convertsAndVerifies() throws {
        let directory = try Fixtures.temporaryDirectory()
        let convert = try RNXProcess.run(["convert", tiny, "tiny.rnw"], in: directory)
        #expect(convert.status == 0, "\(convert)")
        let verify = try RNXProcess.run(["verify", "tiny.rnw", tiny], in: directory)
        #expect(verify.status == 0, "\(verify)")
        let same = try RNXProcess.run(
            ["validate", "tiny.rnw", "--input", Fixtures.path("forward/input-cifar.npy"),
             "--expect", Fixtures.path("forward/cifar-tiny-tar.logits.npy")], in: directory)
        #expect(same.status == 0, "\(same)")
    }

    @Test func realPrefixInspectsAndReportsTheCut() throws {
        let inspect = try RNXProcess.run(["inspect", real])
        #expect(inspect.status == 0, "\(inspect)")
        #expect(inspect.stdout.contains("format: tar (torch.save before 0.1.10), serialization version 1000"))
        #expect(inspect.stdout.contains("total (102 tensors)"), "\(inspect)")
        let cut = "tar entry 'storages' at byte 20992 declares 46801661 bytes, only 1027584 present (truncated file)"
        let check = try RNXProcess.run(["inspect", "--check-data", real])
        #expect(check.status == 65)
        #expect(check.stderr == "rnx: \(real): tensor conv1.weight: \(cut)\n", "\(check)")
        let directory = try Fixtures.temporaryDirectory()
        let convert = try RNXProcess.run(["convert", real, "out.rnw"], in: directory)
        #expect(convert.status == 65)
        #expect(convert.stderr == "rnx: \(real): \(cut)\n", "\(convert)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.rnw").path))
    }
}
