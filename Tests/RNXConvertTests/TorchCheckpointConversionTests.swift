import Foundation
import RNXCheckpoint
import RNXConvert
import RNXTestSupport
import Testing

/// Converting the torch-written resnet20 checkpoints (zip, legacy, training .pth.tar) keeps every tensor's bytes
/// exactly as torch saved them (fixtures/checkpoints/*.json: per-tensor SHA-256 computed by torch 2.15).
struct TorchCheckpointConversionTests {
    @Test(arguments: ["resnet20-cifar10.pth", "resnet20-cifar10-legacy.pth", "resnet20-training.pth.tar"])
    func convertedTensorsAreTorchsBytes(name: String) throws {
        let input = Fixtures.path("checkpoints/" + name)
        let reference = try JSONSerialization.jsonObject(with: Fixtures.data("checkpoints/\(name).json")) as? [String: Any]
        let tensors = try #require(reference?["tensors"] as? [[String: Any]])
        let output = try Fixtures.temporaryDirectory().appendingPathComponent("out.rnw").path
        let report = try Converter.convert(
            try Checkpoint.open(path: input), input: input, output: output,
            options: ConvertOptions(arch: "resnet20", rnxVersion: "0"))
        #expect(report.config.displayName == "resnet20")
        let result = try SafetensorsReader.read(path: output)
        #expect(result.descriptors.count == tensors.count)
        #expect(result.descriptors.count == 116)
        for (index, descriptor) in result.descriptors.enumerated() {
            let expected = try #require(tensors.first { $0["name"] as? String == descriptor.name })
            #expect(FileDigest.sha256(try result.loadTensor(at: index).bytes) == expected["sha256"] as? String, "\(descriptor.name)")
        }
        #expect(try SafetensorsReader.readLayout(path: output).metadata["source_sha256"] == FileDigest.sha256(path: input).file)
        #expect(Verifier.verify(path: output, arch: "resnet20").passed)
    }
}
