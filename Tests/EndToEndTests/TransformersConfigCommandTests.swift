import Foundation
import RNXTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile `config.json` files through the built binary: `rnx convert DIR OUT` on a save_pretrained directory whose
/// config.json is each file of fixtures/hfconfig prints the manifest's reason on one line, exits 65 and writes
/// nothing; so do `summary` and `run`, which read the same config.
struct TransformersConfigCommandTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            let file: String
            let reason: String
        }
        let cases: [Case]
    }

    static let cases: [Manifest.Case] = {
        (try? JSONDecoder().decode(Manifest.self, from: Fixtures.data("hfconfig/MANIFEST.json")).cases) ?? []
    }()

    /// A save_pretrained directory with `config` beside the weights of transformers' Bottleneck ResNet
    /// [1, 1, 1, 1] with 5 classes and 1 input channel (names and shapes from the library, fixtures/arch/
    /// layouts.json). The data section is a hole in a sparse file: zeros, which the refusals never read.
    static func directory(config: Data) throws -> String {
        let layouts = try JSONSerialization.jsonObject(with: Fixtures.data("arch/layouts.json")) as? [String: Any]
        let models = try #require(layouts?["models"] as? [String: [String: Any]])
        let entries = try #require(models["hf_bottleneck_1111_v1_c5_in1"]?["entries"] as? [[Any]])
        var header: [String] = []
        var offset = 0
        for entry in entries {
            let name = try #require(entry[0] as? String), shape = try #require(entry[1] as? [Int])
            let dtype = try #require(entry[2] as? String)
            let size = shape.reduce(1, *) * (dtype == "int64" ? 8 : 4)
            let dims = shape.map(String.init).joined(separator: ",")
            header.append(#""\#(name)":{"dtype":"\#(dtype == "int64" ? "I64" : "F32")","shape":[\#(dims)],"data_offsets":[\#(offset),\#(offset + size)]}"#)
            offset += size
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
        let folder = try Fixtures.temporaryDirectory().appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let weights = folder.appendingPathComponent("model.safetensors").path
        bytes.reserveCapacity(bytes.count)
        try Data(bytes).write(to: URL(fileURLWithPath: weights))
        #expect(truncate(weights, off_t(bytes.count + offset)) == 0)
        try config.write(to: folder.appendingPathComponent("config.json"))
        return folder.path
    }

    @Test(arguments: cases.map(\.file))
    func convertRefusesWithTheReason(file: String) throws {
        let entry = try #require(Self.cases.first { $0.file == file })
        let model = try Self.directory(config: Fixtures.data("hfconfig/" + file))
        let output = model + ".rnw"
        let result = try RNXProcess.run(["convert", model, output])
        #expect(result.status == 65, "\(file): \(result)")
        #expect(result.stderr == "rnx: \(model): transformers config.json: \(entry.reason)\n", "\(file)")
        #expect(result.stdout.isEmpty)
        #expect(access(output, F_OK) != 0, "\(file): convert left \(output)")
    }

    /// summary and run read config.json the same way and stop with the same line.
    @Test func summaryAndRunRefuseToo() throws {
        for file in ["depths_huge.json", "nesting_bomb.json", "id2label_newline_key.json"] {
            let entry = try #require(Self.cases.first { $0.file == file })
            let model = try Self.directory(config: Fixtures.data("hfconfig/" + file))
            let logits = model + ".npy"
            let input = Fixtures.path("forward/input-imagenet.npy")
            for command in [["summary", model], ["run", model, "--input", input, "--output", logits]] {
                let result = try RNXProcess.run(command)
                #expect(result.status == 65, "\(command): \(result)")
                #expect(result.stderr == "rnx: \(model): transformers config.json: \(entry.reason)\n", "\(command)")
            }
            #expect(access(logits, F_OK) != 0)
        }
    }

    /// A config.json over the directory reader's 4 MiB limit is refused by its size without being read.
    @Test func hugeConfigIsRefusedBySize() throws {
        let model = try Self.directory(config: Data())
        let config = model + "/config.json"
        #expect(truncate(config, off_t(4 << 20) + 1) == 0)
        let result = try RNXProcess.run(["convert", model, model + ".rnw"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(model): record 'config.json' is 4194305 bytes, over the limit of 4194304\n")
    }
}
