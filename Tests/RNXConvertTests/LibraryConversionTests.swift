import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

/// `rnx convert --to`: torchvision → transformers → torchvision and timm → .rnw → timm give back every tensor's
/// bytes. (gen_layout_refs.py's names come from the libraries; that the libraries load the outputs is
/// LibraryLoadReplayTests'.)
struct LibraryConversionTests {
    /// A state dict of `config` with distinct, deterministic values, written as safetensors.
    static func write(_ config: ResNetConfig, to path: String) throws {
        let entries = config.moduleTree.stateDictEntries()
        let descriptors = entries.map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
        let writer = try SafetensorsWriter(path: path, descriptors: descriptors, metadata: [])
        for (index, entry) in entries.enumerated() {
            let count = entry.shape.reduce(1, *)
            if entry.isInteger {
                try writer.write(try Tensor(dtype: .int64, shape: entry.shape, bytes: [UInt8](repeating: 0, count: 8)))
            } else {
                let values = (0..<count).map { Float(($0 * 7 + index * 13) % 101) / 101 + 0.5 }
                try writer.write(try Tensor(floats: values, shape: entry.shape))
            }
        }
        _ = try writer.finish()
    }

    static func tensors(_ path: String) throws -> [String: [UInt8]] {
        let checkpoint = try Checkpoint.open(path: path)
        var result: [String: [UInt8]] = [:]
        for (index, descriptor) in checkpoint.descriptors.enumerated() {
            result[descriptor.name] = try checkpoint.loadTensor(at: index).bytes
        }
        return result
    }

    @Test func torchvisionToTransformersAndBackIsByteExact() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("tv.safetensors").path
        let config = ResNetConfig(block: .basic, layers: [1, 1, 1, 1], numClasses: 3)
        try Self.write(config, to: input)
        let hf = directory.appendingPathComponent("hf").path
        let options = ConvertOptions(rnxVersion: "0", library: .transformers)
        let report = try Converter.convert(try Checkpoint.open(path: input), input: input, output: hf, options: options)
        #expect(report.config.naming == .transformers)
        let configJSON = try #require(try PretrainedDirectory.config(in: hf))
        let parsed = try TransformersConfig(json: configJSON)
        // A 3-class model with no recorded labels has rnx's default names (`class_N`), written as its id2label.
        #expect(parsed.labels == ["class_0", "class_1", "class_2"])
        #expect(try parsed.resnetConfig(numClasses: 3).layers == [1, 1, 1, 1])
        let opened = try Checkpoint.open(path: hf)
        #expect(opened.path == hf + "/model.safetensors")
        #expect(opened.descriptors.contains { $0.name == "resnet.encoder.stages.1.layers.0.shortcut.convolution.weight" })
        let back = directory.appendingPathComponent("back.rnw").path
        _ = try Converter.convert(
            opened, input: hf, output: back, options: ConvertOptions(rnxVersion: "0", library: .torchvision))
        #expect(try Self.tensors(back) == Self.tensors(input))
        let metadata = try SafetensorsReader.readLayout(path: back).metadata
        #expect(metadata["library"] == "torchvision" && metadata["source_library"] == "transformers")
    }

    @Test func timmRoundTripsAndTorchvisionIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("timm.safetensors").path
        let config = try #require(ResNetConfig.named("resnet10t"))
        try Self.write(config, to: input)
        let rnw = directory.appendingPathComponent("t.rnw").path
        _ = try Converter.convert(try Checkpoint.open(path: input), input: input, output: rnw,
                                  options: ConvertOptions(rnxVersion: "0"))
        let metadata = try SafetensorsReader.readLayout(path: rnw).metadata
        #expect(metadata["architecture"] == "resnet10t" && metadata["library"] == "timm")
        let again = directory.appendingPathComponent("again.rnw").path
        _ = try Converter.convert(try Checkpoint.open(path: rnw), input: rnw, output: again,
                                  options: ConvertOptions(rnxVersion: "0", library: .timm))
        #expect(try Self.tensors(again) == Self.tensors(input))
        let refused = directory.appendingPathComponent("tv.rnw").path
        #expect(throws: ArchError.notInLibrary(
            architecture: "resnet10t", library: "torchvision",
            reason: "its deep stem, avg-down shortcuts or attention are timm's alone")
        ) {
            try Converter.convert(try Checkpoint.open(path: input), input: input, output: refused,
                                  options: ConvertOptions(rnxVersion: "0", library: .torchvision))
        }
        #expect(access(refused, F_OK) != 0)
    }
}
