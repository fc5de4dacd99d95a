import Foundation
import RNXTestSupport
import Testing

/// `rnx convert ... OUT.pth` and `rnx verify`/`inspect` on the result, as a user runs them.
struct PthCommandTests {
    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    @Test func convertsByExtensionOrFormatAndVerifies() throws {
        let directory = try Fixtures.temporaryDirectory()
        let byName = try RNXProcess.run(["convert", Self.resnet20, "out.pth", "--dtype", "f16"], in: directory)
        #expect(byName.status == 0, "\(byName)")
        let byOption = try RNXProcess.run(["convert", Self.resnet20, "out.bin", "--format", "pth"], in: directory)
        #expect(byOption.status == 0, "\(byOption)")
        for file in ["out.pth", "out.bin"] {
            let head = try FileHandle(forReadingFrom: directory.appendingPathComponent(file)).read(upToCount: 4)
            #expect(head == Data([0x50, 0x4B, 0x03, 0x04]), "\(file) is a zip archive")
            let verify = try RNXProcess.run(["verify", file], in: directory)
            #expect(verify.status == 0, "\(verify)")
            #expect(verify.stdout.hasPrefix("\(file): OK resnet20, 116 tensors"))
        }
        let inspect = try RNXProcess.run(["inspect", "out.pth"], in: directory)
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("  rnx.format = pth\n"))
        #expect(inspect.stdout.contains("  rnx.adaptations = [\"floating tensors converted from f32 to f16\"]\n"))
        #expect(inspect.stdout.contains("  archive_folder = out\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["out.bin", "out.pth"])
    }

    @Test func unknownFormatIsAUsageError() throws {
        let result = try RNXProcess.run(["convert", Self.resnet20, "out.pth", "--format", "onnx"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--format must be 'rnw' or 'pth', got 'onnx'"))
    }
}
