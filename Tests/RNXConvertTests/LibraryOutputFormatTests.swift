import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

/// `convert --to LIBRARY` into every output format: safetensors/.rnw and torch archives for every library, and
/// for transformers also the save_pretrained directory with either weight file.
struct LibraryOutputFormatTests {
    static let v1: ResNetConfig = {
        var config = ResNetConfig(block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 3, naming: .transformers)
        config.strideInFirstConv = true
        return config
    }()

    /// A v1 transformers source directory (config.json says downsample_in_bottleneck) with labels.
    static func source(in directory: URL) throws -> String {
        let folder = directory.appendingPathComponent("hf-v1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try LibraryConversionTests.write(v1, to: folder.appendingPathComponent("model.safetensors").path)
        let json = TransformersConfig.json(for: v1, labels: ["cat", "dog", "cow"])
        try Data(json.utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder.path
    }

    @Test func outputNamesChooseFileOrDirectory() {
        for name in ["a.rnw", "a.safetensors", "a.pth", "a.PT", "pytorch_model.bin"] {
            #expect(OutputFormat.namesWeightFile(name), "\(name)")
        }
        for name in ["resnet-50", "out.hf", "models/resnet50/"] { #expect(!OutputFormat.namesWeightFile(name), "\(name)") }
        #expect(OutputFormat.forPath("pytorch_model.bin") == .pth)
        #expect(OutputFormat.forPath("model.safetensors") == .rnw)
    }

    /// A bare transformers file (.safetensors, .rnw, .pth, .bin) carries its config.json, so reading it back keeps
    /// the stride in the 1x1 and the labels, and converting it again gives the same bytes.
    @Test(arguments: ["v1.safetensors", "v1.rnw", "v1.pth", "v1.bin"])
    func bareTransformersFilesKeepTheirConfig(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = try Self.source(in: directory)
        let output = directory.appendingPathComponent(name).path
        let report = try Converter.convert(
            try Checkpoint.open(path: input), input: input, output: output,
            options: ConvertOptions(rnxVersion: "0", library: .transformers))
        #expect(report.config == Self.v1)
        #expect(!PretrainedDirectory.isDirectory(output))
        let opened = try Checkpoint.open(path: output)
        #expect(opened.format == (name.hasSuffix(".pth") || name.hasSuffix(".bin") ? .torchZip : .safetensors))
        // The config.json a directory would hold, on one line.
        let config = try #require(opened.companionConfig)
        let written = Array(TransformersConfig.json(for: Self.v1, labels: ["cat", "dog", "cow"]).utf8)
        #expect(!config.contains(UInt8(ascii: "\n")))
        #expect(try TransformersConfig(json: config) == TransformersConfig(json: written))
        let resolved = try WeightMapping.resolve(opened.descriptors, transformersConfig: opened.companionConfig)
        #expect(resolved.config == Self.v1)
        #expect(resolved.labels == ["cat", "dog", "cow"])
        #expect(resolved.notes.isEmpty)
        let back = directory.appendingPathComponent("back").path
        _ = try Converter.convert(opened, input: output, output: back, options: ConvertOptions(rnxVersion: "0"))
        #expect(try LibraryConversionTests.tensors(back) == LibraryConversionTests.tensors(input))
        #expect(try PretrainedDirectory.config(in: back) == written)
    }

    /// `--format pth` puts pytorch_model.bin (a torch archive) in the directory instead of model.safetensors.
    @Test func directoryWithPytorchModelBin() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = try Self.source(in: directory)
        let output = directory.appendingPathComponent("out").path
        _ = try Converter.convert(
            try Checkpoint.open(path: input), input: input, output: output,
            options: ConvertOptions(rnxVersion: "0", format: .pth))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == ["config.json", "pytorch_model.bin"])
        let opened = try Checkpoint.open(path: output)
        #expect(opened.format == .torchZip && opened.path == output + "/pytorch_model.bin")
        #expect(opened.details.metadata["rnx.transformers_config"] == nil)
        #expect(try WeightMapping.resolve(opened.descriptors, transformersConfig: opened.companionConfig).config == Self.v1)
    }

    /// timm and torchvision get every file format too; a directory makes no sense for them and is not written.
    @Test(arguments: ["t.rnw", "t.safetensors", "t.pth", "t.bin"])
    func timmIntoEveryFormat(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("tv.safetensors").path
        let config = ResNetConfig(block: .basic, layers: [1, 1, 1, 1], numClasses: 3)
        try LibraryConversionTests.write(config, to: input)
        let output = directory.appendingPathComponent(name).path
        let report = try Converter.convert(
            try Checkpoint.open(path: input), input: input, output: output,
            options: ConvertOptions(rnxVersion: "0", library: .timm))
        #expect(report.config.naming == .timm)
        let opened = try Checkpoint.open(path: output)
        #expect(opened.companionConfig == nil)
        #expect(try LibraryConversionTests.tensors(output) == LibraryConversionTests.tensors(input))
    }

    /// A library without the architecture is refused before anything is written, whatever the format.
    @Test(arguments: ["no.rnw", "no.pth", "no"])
    func v1IntoTimmIsRefused(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = try Self.source(in: directory)
        let output = directory.appendingPathComponent(name).path
        #expect(throws: ArchError.notInLibrary(
            architecture: "this ResNet", library: "timm",
            reason: "it strides in the Bottleneck's 1x1 convolution (ResNet v1), which only transformers builds")
        ) {
            try Converter.convert(
                try Checkpoint.open(path: input), input: input, output: output,
                options: ConvertOptions(rnxVersion: "0", library: .timm))
        }
        #expect(access(output, F_OK) != 0)
    }
}
