import Foundation
import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

/// Error texts and `.rnw` metadata checks on hand-made files.
struct SmallPartsTests {
    @Test func errorTexts() {
        #expect(ConvertError.writeFailed(path: "o.rnw", reason: "No space left on device").description
            == "writing o.rnw failed: No space left on device; nothing was written")
        #expect(ConvertError.writeFailed(path: "o.rnw", reason: "x").category == .io)
        #expect(ConvertError.cannotCreate(path: "o.rnw", reason: "Permission denied").description
            == "cannot create o.rnw: Permission denied")
        #expect(ConvertError.outputIsInput(path: "a.rnw").description
            == "output a.rnw is the input file; rnx never modifies its input")
        #expect(ConvertError.invalidDigest("abc").category == .usage)
    }

    /// An .rnw claiming another format version and without its data digest fails verification for both reasons.
    @Test func rnwMetadataIsChecked() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("odd.rnw").path
        let writer = try SafetensorsWriter(
            path: path, descriptors: [TensorDescriptor(name: "x", dtype: .float32, shape: [1])],
            metadata: [("format", "rnw"), ("format_version", "2")])
        try writer.write(try Tensor(floats: [1], shape: [1]))
        _ = try writer.finish()
        let problems = Verifier.verify(path: path).problems
        #expect(problems.contains("rnw format_version '2' is not 1"))
        #expect(problems.contains("rnw metadata has no data_sha256"))
        #expect(problems.count == 3)  // and a single tensor named x is no ResNet
    }

    /// Metadata that disagrees with the tensors (here: a resnet20 file relabelled) is reported.
    @Test func rnwMetadataMustDescribeTheTensors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let good = directory.appendingPathComponent("good.rnw").path
        let input = Fixtures.path("checkpoints/resnet20-cifar10.pth")
        _ = try Converter.convert(try Checkpoint.open(path: input), input: input, output: good, options: ConvertOptions(rnxVersion: "0"))
        let source = try SafetensorsReader.read(path: good)
        let layout = try SafetensorsReader.readLayout(path: good)
        let relabelled = directory.appendingPathComponent("relabelled.rnw").path
        var metadata = layout.metadataKeys.map { ($0, layout.metadata[$0] ?? "") }
        metadata = metadata.map { $0.0 == "num_classes" ? ($0.0, "100") : $0 }
        let writer = try SafetensorsWriter(
            path: relabelled, descriptors: source.descriptors, metadata: metadata.map { (key: $0.0, value: $0.1) },
            reservedKeys: ["data_sha256"])
        var data: [UInt8] = []
        for index in source.descriptors.indices {
            let tensor = try source.loadTensor(at: index)
            data += tensor.bytes
            try writer.write(tensor)
        }
        _ = try writer.finish(patches: ["data_sha256": FileDigest.sha256(data)])
        #expect(Verifier.verify(path: good).passed)
        #expect(Verifier.verify(path: relabelled).problems == ["rnw metadata says num_classes 100, the tensors say 10"])
    }
}
