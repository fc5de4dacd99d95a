import Foundation
import RNXTestSupport
import Testing

/// timm and transformers models through the built `rnx`, on state dicts whose keys and shapes transformers and timm
/// printed (`fixtures/arch/layouts.json`), written here as safetensors with constant values.
struct LayoutCommandTests {
    static func reference(_ key: String) throws -> [String: Any] {
        let root = try JSONSerialization.jsonObject(with: Fixtures.data("arch/layouts.json")) as? [String: Any]
        let models = try #require(root?["models"] as? [String: [String: Any]])
        return try #require(models[key])
    }

    /// A safetensors file holding `key`'s entries: float32 0.5 (int64 0 for num_batches_tracked).
    static func write(_ key: String, to path: String) throws {
        let entries = try #require(try reference(key)["entries"] as? [[Any]])
        var header: [String] = []
        var data = Data()
        for entry in entries {
            let name = try #require(entry[0] as? String)
            let shape = try #require(entry[1] as? [Int])
            let isInteger = entry[2] as? String == "int64"
            let count = shape.reduce(1, *)
            let start = data.count
            if isInteger {
                data.append(Data(repeating: 0, count: 8))
            } else {
                var value = Float(0.5).bitPattern.littleEndian
                let bytes = withUnsafeBytes(of: &value) { Data($0) }
                for _ in 0..<count { data.append(bytes) }
            }
            header.append(
                "\"\(name)\":{\"dtype\":\"\(isInteger ? "I64" : "F32")\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],"
                    + "\"data_offsets\":[\(start),\(data.count)]}")
        }
        let json = Data(("{" + header.joined(separator: ",") + "}").utf8)
        var length = UInt64(json.count).littleEndian
        var file = withUnsafeBytes(of: &length) { Data($0) }
        file.append(json)
        file.append(data)
        try file.write(to: URL(fileURLWithPath: path))
    }

    @Test func archsListsTimmParameterCounts() throws {
        let result = try RNXProcess.run(["archs"])
        #expect(result.status == 0)
        for name in ["resnet50d", "seresnext26d_32x4d", "ecaresnet101d", "resnet26t", "resnet200d"] {
            let params = try #require(try Self.reference(name)["params"] as? Int)
            let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") })
            #expect(line.hasSuffix(" " + params.formatted(.number.grouping(.automatic)).replacingOccurrences(of: "\u{202F}", with: ",")), "\(line)")
        }
    }

    @Test func transformersFileWithoutConfigIsAssumedV15AndConvertsToAnHFDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("model.safetensors").path
        try Self.write("hf_bottleneck_1111_v1_c5_in1", to: file)
        let validated = try RNXProcess.run(["validate", file, "--threads", "1"])
        #expect(validated.status == 0, "\(validated)")
        #expect(validated.stderr == "rnx: \(file): note: no config.json: assumed the Bottleneck strides in its 3x3 "
            + "convolution (ResNet v1.5; --stride-in 1x1 for the paper's v1)\n")
        let quiet = try RNXProcess.run(["validate", file, "--threads", "1", "--stride-in", "1x1"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet)")

        let out = directory.appendingPathComponent("out").path
        let converted = try RNXProcess.run(["convert", file, out, "--to", "hf", "--stride-in", "1x1"])
        #expect(converted.status == 0, "\(converted)")
        let config = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as? [String: Any]
        #expect(config?["downsample_in_bottleneck"] as? Bool == true)
        #expect(config?["num_channels"] as? Int == 1)
        #expect((config?["id2label"] as? [String: String])?.count == 5)
        // The directory's config.json now decides, so no note.
        let summary = try RNXProcess.run(["summary", out, "--input-size", "1x64x64"])
        #expect(summary.status == 0 && summary.stderr.isEmpty, "\(summary)")
        #expect(summary.stdout.hasPrefix(String(repeating: "=", count: 10)))
        #expect(summary.stdout.contains("ResNetForImageClassification"))
        let verified = try RNXProcess.run(["verify", out])
        #expect(verified.status == 0, "\(verified)")
        let torchsummary = try RNXProcess.run(["summary", out, "--style", "torchsummary"])
        #expect(torchsummary.status == 64)
        #expect(torchsummary.stderr.contains("--style torchsummary is not available"))
    }

    @Test func timmModelsRunAndRefuseTorchvisionNames() throws {
        let directory = try Fixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("resnet10t.safetensors").path
        try Self.write("resnet10t", to: file)
        let inspected = try RNXProcess.run(["validate", file, "--threads", "1"])
        #expect(inspected.status == 0, "\(inspected)")
        #expect(inspected.stdout.hasPrefix("model: \(file) (resnet10t)"), "\(inspected)")
        let refused = try RNXProcess.run(["convert", file, directory.appendingPathComponent("x.rnw").path,
                                          "--to", "torchvision"])
        #expect(refused.status == 64)
        #expect(refused.stderr == "rnx: \(file): torchvision has no resnet10t: its deep stem, avg-down shortcuts or "
            + "attention are timm's alone\n")
        let bogus = try RNXProcess.run(["convert", file, "y.rnw", "--to", "keras"], in: directory)
        #expect(bogus.status == 64)
        #expect(bogus.stderr.contains("--to must be torchvision, timm or hf, got 'keras'"))
    }
}
