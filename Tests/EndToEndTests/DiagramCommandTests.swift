import Foundation
import RNXTestSupport
import Testing

/// `rnx diagram` as a user runs it: where the SVG goes, refusing to overwrite, names and files, errors.
struct DiagramCommandTests {
    @Test func writesTheFileAndRefusesToReplaceIt() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try RNXProcess.run(["diagram", "resnet34", "-o", "r34.svg"], in: directory)
        #expect(first.status == 0 && first.stdout.isEmpty && first.stderr.isEmpty, "\(first)")
        let written = try String(contentsOf: directory.appendingPathComponent("r34.svg"), encoding: .utf8)
        #expect(written.hasPrefix("<?xml") && written.contains("data-name=\"layer4.2\""))
        let again = try RNXProcess.run(["diagram", "resnet18", "-o", "r34.svg"], in: directory)
        #expect(again.status == 73)
        #expect(again.stderr == "rnx: r34.svg: output exists (use --force to replace it)\n")
        #expect(try String(contentsOf: directory.appendingPathComponent("r34.svg"), encoding: .utf8) == written)
        let forced = try RNXProcess.run(["diagram", "resnet18", "--output", "r34.svg", "--force"], in: directory)
        #expect(forced.status == 0, "\(forced)")
        let replaced = try String(contentsOf: directory.appendingPathComponent("r34.svg"), encoding: .utf8)
        #expect(!replaced.contains("layer4.2") && replaced.contains("layer4.1"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["r34.svg"], "no temporary files left")
    }

    @Test func standardOutputWithoutOrWithDash() throws {
        let plain = try RNXProcess.run(["diagram", "resnet20", "--style", "stages"])
        let dash = try RNXProcess.run(["diagram", "resnet20", "--style", "stages", "-o", "-"])
        #expect(plain.status == 0 && plain.stderr.isEmpty, "\(plain)")
        #expect(plain.stdout == dash.stdout)
        #expect(plain.stdout.hasPrefix("<?xml") && plain.stdout.hasSuffix("</svg>\n"))
    }

    @Test func fromAFileWithItsMisfits() throws {
        let result = try RNXProcess.run(["diagram", Fixtures.path("safetensors/mismatched.safetensors")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("data-unfit=\"layer2.0.conv2.weight\""))
        #expect(result.stdout.contains("  extra.weight f16 [3] (not in the architecture)</text>"))
        #expect(result.stdout.contains("  linear.bias</text>"))
    }

    @Test func neverReplacesItsInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("tiny.safetensors")
        try FileManager.default.copyItem(atPath: Fixtures.path("safetensors/cifar-tiny.safetensors"), toPath: copy.path)
        let before = try Data(contentsOf: copy)
        let result = try RNXProcess.run(["diagram", "tiny.safetensors", "-o", "tiny.safetensors", "--force"], in: directory)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr == "rnx: tiny.safetensors: output tiny.safetensors is the input file; rnx never modifies its input\n")
        #expect(try Data(contentsOf: copy) == before)
    }

    @Test func errors() throws {
        let unknown = try RNXProcess.run(["diagram", "resnet19"])
        #expect(unknown.status == 64)
        #expect(unknown.stdout.isEmpty)
        let style = try RNXProcess.run(["diagram", "resnet18", "--style", "netron"])
        #expect(style.status == 64)
        let size = try RNXProcess.run(["diagram", "resnet18", "--input-size", "3x0x4"])
        #expect(size.status == 64)
        #expect(size.stderr == "rnx: --input-size must be CxHxW or HxW with positive numbers, e.g. 3x224x224, not '3x0x4'\n")
        let refused = try RNXProcess.run(["diagram", Fixtures.path("safetensors/deep-stem.safetensors")])
        #expect(refused.status == 65, "\(refused)")
        #expect(refused.stdout.isEmpty)
    }
}
