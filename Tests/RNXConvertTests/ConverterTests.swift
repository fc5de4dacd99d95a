import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

struct ConverterTests {
    static let input = Fixtures.path("safetensors/cifar-tiny.safetensors")

    static func convert(
        _ input: String = input, to output: String, _ adaptations: [Adaptation] = [], arch: String? = nil,
        force: Bool = false
    ) throws -> ConvertReport {
        let options = ConvertOptions(arch: arch, adaptations: adaptations, force: force, rnxVersion: "9.9.9")
        return try Converter.convert(
            try SafetensorsReader.read(path: input), input: input, output: output, options: options)
    }

    static func listing(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func roundTripKeepsEveryTensorAndRecordsWhereItCameFrom() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        let report = try Self.convert(to: output)
        let source = try SafetensorsReader.read(path: Self.input)
        let result = try SafetensorsReader.read(path: output)
        #expect(result.descriptors == source.descriptors)
        for index in source.descriptors.indices { #expect(try result.loadTensor(at: index) == source.loadTensor(at: index)) }

        let layout = try SafetensorsReader.readLayout(path: output)
        #expect(layout.dataOffset % 64 == 0)
        let digests = try FileDigest.sha256(path: output, sectionStart: layout.dataOffset)
        let sourceDigest = try FileDigest.sha256(path: Self.input).file
        #expect(layout.metadataKeys == [
            "format", "format_version", "architecture", "config", "num_classes", "in_channels", "source_file",
            "source_format", "source_sha256", "adaptations", "adaptation_spec", "labels", "rnx_version", "data_sha256",
        ])
        let config = #"{"family":"cifar","block":"basic","layers":[1,1,1],"groups":1,"width_per_group":64,"num_classes":10,"in_channels":3,"shortcut":"A"}"#
        #expect(layout.metadata == [
            "format": "rnw", "format_version": "1", "architecture": "custom", "config": config, "num_classes": "10",
            "in_channels": "3", "source_file": "cifar-tiny.safetensors", "source_format": "safetensors",
            "source_sha256": sourceDigest, "adaptations": "[]", "adaptation_spec": "[]", "rnx_version": "9.9.9",
            "labels": #"["airplane","automobile","bird","cat","deer","dog","frog","horse","ship","truck"]"#,
            "data_sha256": digests.section ?? "",
        ])
        #expect(report.dataSHA256 == digests.section)
        #expect(report.outputSize == layout.fileSize)
        #expect(report.tensorCount == 44)
        #expect(try Self.listing(directory) == ["out.rnw"])
    }

    @Test func adaptationsAreRecordedAndShaped() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        let report = try Self.convert(to: output, [.classes([9, 0]), .inChannels(1), .dtype(.bfloat16)])
        let layout = try SafetensorsReader.readLayout(path: output)
        #expect(layout.metadata["num_classes"] == "2")
        #expect(layout.metadata["in_channels"] == "1")
        #expect(layout.metadata["labels"] == #"["truck","airplane"]"#)
        #expect(
            layout.metadata["adaptations"]
                == #"["classifier linear rows 9, 0 selected from 10","conv1 summed over 3 input channels into 1","floating tensors converted from f16 to bf16"]"#)
        #expect(
            layout.metadata["adaptation_spec"]
                == #"[{"classes": [9, 0]}, {"in_channels": 1}, {"dtype": "bf16"}]"#)
        let shapes = Dictionary(uniqueKeysWithValues: layout.entries.map { ($0.descriptor.name, $0.descriptor) })
        #expect(shapes["linear.weight"]?.shape == [2, 64])
        #expect(shapes["conv1.weight"]?.shape == [16, 1, 3, 3])
        #expect(shapes["conv1.weight"]?.dtype == .bfloat16)
        #expect(shapes["bn1.num_batches_tracked"]?.dtype == .int64)
        #expect(report.config.numClasses == 2 && report.config.inChannels == 1)
        #expect(
            report.render().split(separator: "\n").dropFirst().prefix(6).map(String.init) == [
                "architecture: custom (2 classes, 1 input channels)", "tensors: 44", "adaptations:",
                "  - classifier linear rows 9, 0 selected from 10", "  - conv1 summed over 3 input channels into 1",
                "  - floating tensors converted from f16 to bf16",
            ])
    }

    @Test func existingOutputIsRefusedUnlessForced() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: output))
        #expect(throws: ConvertError.outputExists(path: output)) { try Self.convert(to: output) }
        #expect(ConvertError.outputExists(path: output).category == .cannotCreate)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep")
        _ = try Self.convert(to: output, force: true)
        #expect(try SafetensorsReader.read(path: output).descriptors.count == 44)
        #expect(try Self.listing(directory) == ["out.rnw"])
    }

    @Test func theInputIsNeverTheOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let copy = directory.appendingPathComponent("in.safetensors").path
        try FileManager.default.copyItem(atPath: Self.input, toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        #expect(throws: ConvertError.outputIsInput(path: copy)) { try Self.convert(copy, to: copy, force: true) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }

    @Test func nothingIsWrittenOnAnError() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        #expect(throws: ArchError.self) { try Self.convert(to: output, arch: "resnet20") }
        #expect(throws: ArchError.classIndexOutOfRange(index: 10, classes: 10)) {
            try Self.convert(to: output, [.classes([10])])
        }
        #expect(throws: ArchError.self) {
            try Self.convert(Fixtures.path("safetensors/mismatched.safetensors"), to: output)
        }
        #expect(try Self.listing(directory).isEmpty)
    }

    @Test func failingTensorReadLeavesNoTemporaryFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        let source = try SafetensorsReader.read(path: Self.input)
        // A source whose 10th tensor fails, as a file truncated after it was opened would.
        let failing = Checkpoint(
            path: Self.input, format: .safetensors, descriptors: source.descriptors, details: source.details,
            loader: { index in
                if index == 10 { throw CheckpointError.readFailed(reason: "file ended at offset 77") }
                return try source.loadTensor(at: index)
            })
        let options = ConvertOptions(rnxVersion: "0")
        #expect(throws: CheckpointError.readFailed(reason: "file ended at offset 77")) {
            try Converter.convert(failing, input: Self.input, output: output, options: options)
        }
        #expect(try Self.listing(directory).isEmpty)
    }

    @Test func trainingCheckpointExtractionIsRecorded() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        let source = try SafetensorsReader.read(path: Self.input)
        let wrapped = Checkpoint(
            path: Self.input, format: .torchZip, descriptors: source.descriptors,
            details: CheckpointDetails(stateDictPath: "state_dict", strippedPrefixes: ["module."]),
            loader: { try source.loadTensor(at: $0) })
        let report = try Converter.convert(
            wrapped, input: Self.input, output: output, options: ConvertOptions(rnxVersion: "0"))
        #expect(report.adaptations == ["state dict taken from 'state_dict' of a training checkpoint", "key prefix 'module.' stripped"])
        let layout = try SafetensorsReader.readLayout(path: output)
        #expect(layout.metadata["source_format"] == "zip")
        #expect(
            layout.metadata["adaptations"]
                == #"["state dict taken from 'state_dict' of a training checkpoint","key prefix 'module.' stripped"]"#)
    }

    @Test func missingDirectoryCannotBeCreated() throws {
        let output = "/nonexistent-rnx-dir/out.rnw"
        #expect(throws: ConvertError.cannotCreate(path: output, reason: "No such file or directory")) {
            try Self.convert(to: output)
        }
    }

    @Test func classListsParse() throws {
        #expect(try ClassList.parse("5,3,999") == [5, 3, 999])
        let directory = try Fixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("classes.txt").path
        try Data("7\n\n2 # second\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try ClassList.parse("@" + file) == [7, 2])
        #expect(throws: ConvertError.invalidClassList("item 2 'x' is not a class index")) { try ClassList.parse("1,x") }
        #expect(throws: ConvertError.invalidClassList("item 1 '-1' is not a class index")) { try ClassList.parse("-1") }
        #expect(throws: ConvertError.invalidClassList("cannot read /nonexistent")) { try ClassList.parse("@/nonexistent") }
        try Data("\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: ConvertError.invalidClassList("no class index given")) { try ClassList.parse("@" + file) }
    }
}
