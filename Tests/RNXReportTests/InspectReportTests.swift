import Foundation
import RNXCheckpoint
import RNXReport
import RNXTensor
import Testing

/// The inspect report's layout, from a checkpoint built in memory (the numbers are worked out in each comment).
struct InspectReportTests {
    private func checkpoint() -> Checkpoint {
        let descriptors = [
            TensorDescriptor(name: "fc.weight", dtype: .float32, shape: [1000, 512]),
            TensorDescriptor(name: "bn.num_batches_tracked", dtype: .int64, shape: []),
        ]
        let details = CheckpointDetails(
            serializationVersion: "3", pickleProtocol: 2, stateDictPath: "state_dict", strippedPrefixes: ["module."],
            otherEntries: [(key: "epoch", value: "90"), (key: "arch", value: "'resnet18'")])
        return Checkpoint(path: "x.pth", format: .torchZip, descriptors: descriptors, details: details) { _ in
            throw CheckpointError.readFailed(reason: "the report must not read tensor data")
        }
    }

    @Test func text() throws {
        let lines = InspectReport(checkpoint: checkpoint()).text().split(separator: "\n").map(String.init)
        #expect(lines[0] == "file: x.pth")
        #expect(lines[1] == "format: zip (torch.save, torch >= 1.6), serialization version 3, pickle protocol 2")
        #expect(lines[2] == "state dict: found under 'state_dict'; stripped prefix 'module.'")
        // 1000 x 512 = 512,000 float32 elements = 2,048,000 bytes; the rank-0 int64 is 1 element, 8 bytes.
        #expect(lines.contains { $0.split(separator: " ").map(String.init)
            == ["fc.weight", "float32", "[1000,", "512]", "512,000", "2,048,000"] })
        #expect(lines.contains { $0.split(separator: " ").map(String.init)
            == ["bn.num_batches_tracked", "int64", "[]", "1", "8"] })
        // Totals: 512,001 elements, 2,048,008 bytes = 1.95 MiB (2,048,008 / 1,048,576 = 1.953...).
        #expect(lines.contains { $0.hasPrefix("total (2 tensors)") && $0.hasSuffix("512,001  2,048,008 (1.95 MiB)") })
        #expect(lines.suffix(3) == ["other entries:", "  epoch = 90", "  arch  = 'resnet18'"])
    }

    @Test func json() throws {
        let data = Data(try InspectReport(checkpoint: checkpoint()).json().utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == ["fc.weight", "bn.num_batches_tracked"])
        #expect(tensors.map { $0["shape"] as? [Int] } == [[1000, 512], []])
        #expect(tensors.map { $0["bytes"] as? Int } == [2_048_000, 8])
        #expect(json["state_dict_path"] as? String == "state_dict")
        #expect(json["stripped_prefixes"] as? [String] == ["module."])
        #expect(json["pickle_protocol"] as? Int == 2)
        #expect(json["total_bytes"] as? Int == 2_048_008)
    }
}
