import Crypto
import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// Real checkpoints from the wild (`fixtures/real/`) and the tensor rebuild functions older or rarer torch writes
/// (`fixtures/checkpoints/rebuilds/`), read by rnx and compared with what torch says they hold.
///
/// Expectations come from `scripts/fixtures/gen_real.py` and `gen_tensor_rebuilds.py`, i.e. from torch.load.
struct RealCheckpointTests {
    static let readable = [
        "real/resnet20-12fca82f.th", "checkpoints/rebuilds/v1.pth", "checkpoints/rebuilds/v1-legacy.pth",
        "checkpoints/rebuilds/tensor-attrs.pth", "checkpoints/rebuilds/numpy-values.pth",
        "checkpoints/modules/whole-model.pth",
        "checkpoints/modules/in-dict.pth", "checkpoints/modules/scripted.pt", "checkpoints/modules/traced.pt",
        "checkpoints/whole-module.pth", "checkpoints/torchscript.pt",
    ]

    @Test(arguments: readable)
    func matchesTorch(_ name: String) throws {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data(name + ".json"))
        let json = try #require(object as? [String: Any])
        let checkpoint = try Checkpoint.open(path: Fixtures.path(name))
        #expect(checkpoint.format.rawValue == json["format"] as? String)
        #expect(checkpoint.details.stateDictPath == json["state_dict_path"] as? String)
        #expect(checkpoint.details.strippedPrefixes == json["stripped_prefixes"] as? [String])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        try #require(checkpoint.descriptors.count == tensors.count)
        for (index, want) in tensors.enumerated() {
            let descriptor = checkpoint.descriptors[index]
            #expect(descriptor.name == want["name"] as? String)
            #expect(descriptor.dtype.rawValue == want["dtype"] as? String, "\(descriptor.name)")
            #expect(descriptor.shape == want["shape"] as? [Int], "\(descriptor.name)")
            let tensor = try checkpoint.loadTensor(at: index)
            let digest = SHA256.hash(data: tensor.bytes).map { String(format: "%02x", $0) }.joined()
            #expect(digest == want["sha256"] as? String, "\(name): \(descriptor.name)")
        }
        let others = Dictionary(checkpoint.details.otherEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (key, value) in json["other_entries"] as? [String: String] ?? [:] {
            #expect(others[key] == value, "\(name): \(key)")
        }
    }

    /// torch 0.3/0.4 wrote the storages' device: the real file's are on `cuda:0`, read to the CPU all the same.
    @Test func realFileIsLegacyWithCudaStorages() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("real/resnet20-12fca82f.th"))
        #expect(checkpoint.format == .torchLegacy)
        #expect(checkpoint.details.serializationVersion == "1001")
        #expect(checkpoint.details.pickleProtocol == 2)
        // conv1, bn1 (4 tensors: no num_batches_tracked before torch 0.4.1), 9 blocks of 2 convs and 2 BNs, linear (2).
        #expect(checkpoint.descriptors.count == 1 + 4 + 9 * 10 + 2)
    }

    static let refused: [String: String] = {
        guard let data = try? Fixtures.data("checkpoints/rebuilds/refusals.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return [:] }
        return object
    }()

    /// Quantized, sparse, meta and nested tensors: the key and the kind, never "refused global".
    @Test(arguments: ["quantized.pth", "sparse.pth", "meta.pth", "nested.pth"])
    func unconvertedKindsNameKeyAndKind(_ name: String) throws {
        let expected = try #require(Self.refused[name])
        #expect(throws: (any Error).self) { try Checkpoint.open(path: Fixtures.path("checkpoints/rebuilds/" + name)) }
        do {
            _ = try Checkpoint.open(path: Fixtures.path("checkpoints/rebuilds/" + name))
        } catch let error as CheckpointError {
            #expect(error.description == expected)
            if case .unconvertedTensor = error {} else { Issue.record("\(error)") }
        }
    }
}
