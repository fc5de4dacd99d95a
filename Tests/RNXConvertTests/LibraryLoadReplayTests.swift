import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXForward
import RNXTensor
import RNXTestSupport
import Testing

/// What timm and transformers accepted, replayed without Python.
///
/// `scripts/fixtures/check_layouts_with_libraries.py` built each source model in its own library, filled it with
/// the synthetic weights, ran `rnx convert --to ...` and loaded the result with `timm.create_model(...)` /
/// torchvision's model `.load_state_dict(strict=True)` or `ResNetForImageClassification.from_pretrained`: no
/// missing or unexpected keys, logits within 1e-4 of the source model's. It recorded a digest of every tensor of
/// what the library loaded (fixtures/layouts/library-check.json). Here the same source is rebuilt with
/// `SyntheticWeights`, the built rnx runs the same steps, and the output must be exactly what was loaded.
struct LibraryLoadReplayTests {
    /// Read on each use: a dictionary of `Any` cannot be a shared static.
    static var check: [String: Any] {
        guard let data = try? Fixtures.data("layouts/library-check.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    static var cases: [[String: Any]] { check["cases"] as? [[String: Any]] ?? [] }

    /// SHA-256 over the tensors in name order, each as `name\ndtype\nd0,d1,...\n` and its bytes (the script's).
    static func tensorsDigest(_ checkpoint: Checkpoint) throws -> String {
        let digest = StreamingDigest()
        let order = checkpoint.descriptors.indices.sorted {
            Array(checkpoint.descriptors[$0].name.utf8).lexicographicallyPrecedes(checkpoint.descriptors[$1].name.utf8)
        }
        for index in order {
            let descriptor = checkpoint.descriptors[index]
            let shape = descriptor.shape.map(String.init).joined(separator: ",")
            digest.update(Array("\(descriptor.name)\n\(descriptor.dtype.rawValue)\n\(shape)\n".utf8))
            digest.update(try checkpoint.loadTensor(at: index).bytes)
        }
        return digest.finalize()
    }

    static func tensors(_ checkpoint: Checkpoint) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (index, descriptor) in checkpoint.descriptors.enumerated() {
            result[descriptor.name] = try checkpoint.loadTensor(at: index).bytes
        }
        return result
    }

    /// The source the script saved, rebuilt: synthetic weights in the library's names, as safetensors (the tensors
    /// matter, not the container), or a save_pretrained directory with the script's config.json.
    static func writeSource(_ source: [String: Any], in directory: URL) throws -> String {
        let fields = try #require(source["config"] as? [String: Any])
        let config = try #require(ResNetConfig(fields: fields), "\(fields)")
        let weights = SyntheticWeights(config: config)
        if source["container"] as? String == "save_pretrained" {
            let folder = directory.appendingPathComponent("source")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let text = try #require(source["config_json"] as? String)
            try Data(text.utf8).write(to: folder.appendingPathComponent("config.json"))
            try write(weights, to: folder.appendingPathComponent("model.safetensors").path)
            return folder.path
        }
        let path = directory.appendingPathComponent("source.safetensors").path
        try write(weights, to: path)
        return path
    }

    static func write(_ weights: SyntheticWeights, to path: String) throws {
        let writer = try SafetensorsWriter(path: path, descriptors: weights.descriptors, metadata: [])
        for index in weights.descriptors.indices { try writer.write(try weights.loadTensor(at: index)) }
        _ = try writer.finish()
    }

    @Test func theLibrariesWereAskedForEveryKindOfOutput() throws {
        let names = Set(Self.cases.compactMap { $0["name"] as? String })
        #expect(names.count >= 20)
        let loaders = Self.cases.compactMap { $0["loader"] as? String }
        #expect(loaders.contains { $0.hasPrefix("timm.create_model") })
        #expect(loaders.contains { $0 == "transformers.ResNetForImageClassification.from_pretrained" })
        let outputs = Set(Self.cases.flatMap { ($0["steps"] as? [[String: Any]] ?? []).compactMap { $0["output"] as? String } })
        #expect(outputs.isSuperset(of: ["rnw", "safetensors", "pth", "bin", "hf", "out"]))
    }

    @Test(arguments: cases.compactMap { $0["name"] as? String })
    func rnxStillWritesWhatTheLibraryLoaded(name: String) throws {
        let entry = try #require(Self.cases.first { $0["name"] as? String == name })
        // What the library found, recorded by the script.
        #expect((entry["missing_keys"] as? [String])?.isEmpty == true, "\(name)")
        #expect((entry["unexpected_keys"] as? [String])?.isEmpty == true, "\(name)")
        #expect((entry["mismatched_keys"] as? [String] ?? []).isEmpty && (entry["warnings"] as? [String] ?? []).isEmpty)
        let tolerance = try #require(Self.check["tolerance"] as? Double)
        #expect(try #require(entry["max_rel_error"] as? Double) <= tolerance, "\(name)")

        let directory = try Fixtures.temporaryDirectory()
        let source = try #require(entry["source"] as? [String: Any])
        let sourcePath = try Self.writeSource(source, in: directory)
        var current = sourcePath
        for step in try #require(entry["steps"] as? [[String: Any]]) {
            let output = directory.appendingPathComponent(name + "." + (try #require(step["output"] as? String))).path
            let args = try #require(step["args"] as? [String])
            let result = try RNXProcess.run(["convert", current, output] + args)
            #expect(result.status == 0, "\(name): \(result)")
            current = output
        }
        let written = try Checkpoint.open(path: current)
        #expect(written.descriptors.count == entry["tensor_count"] as? Int, "\(name)")
        #expect(try Self.tensorsDigest(written) == entry["tensors_sha256"] as? String, "\(name)")
        if let files = entry["files"] as? [String] {
            let listed = try FileManager.default.contentsOfDirectory(atPath: current).sorted()
            #expect(listed == files, "\(name)")
            let config = try Data(contentsOf: URL(fileURLWithPath: current + "/config.json"))
            let digest = StreamingDigest()
            digest.update([UInt8](config))
            #expect(digest.finalize() == entry["config_sha256"] as? String, "\(name): config.json changed")
            let parsed = try TransformersConfig(json: [UInt8](config))
            #expect(parsed.labels == entry["id2label"] as? [String], "\(name)")
            #expect(parsed.downsampleInBottleneck == entry["downsample_in_bottleneck"] as? Bool, "\(name)")
        }
        if entry["byte_exact_with_source"] as? Bool == true {
            #expect(try Self.tensors(written) == Self.tensors(try Checkpoint.open(path: sourcePath)), "\(name)")
        }
    }
}
