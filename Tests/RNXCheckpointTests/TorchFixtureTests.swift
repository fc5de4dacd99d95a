import Crypto
import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// Every torch-written fixture, read by rnx and compared value for value with what torch said it holds.
///
/// The expectations (`fixtures/checkpoints/NAME.json`) come from `scripts/fixtures/gen_checkpoints.py`, which asks
/// torch 2.15 for each tensor's dtype, shape and contiguous bytes, never from rnx.
struct TorchFixtureTests {
    static let readable = [
        "dtypes.pth", "dtypes-legacy.pth", "dtypes-big-endian.pth", "views.pth", "views-legacy.pth",
        "views-proto4.pth", "parameters.pth", "orig-mod.pth", "nested.pth", "gpu-locations.pth",
        "resnet20-cifar10.pth", "resnet20-cifar10-legacy.pth", "resnet20-training.pth.tar",
        "tar/cifar-tiny.pth", "tar/views.pth",
    ]

    struct Expected {
        let format: String
        let stateDictPath: String?
        let strippedPrefixes: [String]
        let tensors: [[String: Any]]
        let otherEntries: [String: String]

        init(_ name: String) throws {
            let object = try JSONSerialization.jsonObject(with: Fixtures.data("checkpoints/\(name).json"))
            let json = try #require(object as? [String: Any])
            format = try #require(json["format"] as? String)
            stateDictPath = json["state_dict_path"] as? String
            strippedPrefixes = try #require(json["stripped_prefixes"] as? [String])
            tensors = try #require(json["tensors"] as? [[String: Any]])
            otherEntries = json["other_entries"] as? [String: String] ?? [:]
        }
    }

    @Test(arguments: readable)
    func matchesTorch(_ name: String) throws {
        let expected = try Expected(name)
        let checkpoint = try Checkpoint.open(path: Fixtures.path("checkpoints/" + name))
        #expect(checkpoint.format.rawValue == expected.format)
        #expect(checkpoint.details.stateDictPath == expected.stateDictPath)
        #expect(checkpoint.details.strippedPrefixes == expected.strippedPrefixes)
        try #require(checkpoint.descriptors.count == expected.tensors.count)
        for (index, want) in expected.tensors.enumerated() {
            let descriptor = checkpoint.descriptors[index]
            let wantName = try #require(want["name"] as? String)
            #expect(descriptor.name == wantName)
            #expect(descriptor.dtype.rawValue == want["dtype"] as? String, "\(wantName)")
            #expect(descriptor.shape == want["shape"] as? [Int], "\(wantName)")
            let tensor = try checkpoint.loadTensor(at: index)
            #expect(tensor.dtype == descriptor.dtype && tensor.shape == descriptor.shape)
            let digest = SHA256.hash(data: tensor.bytes).map { String(format: "%02x", $0) }.joined()
            #expect(digest == want["sha256"] as? String, "\(name): \(wantName)")
            if let hex = want["hex"] as? String {
                #expect(tensor.bytes.map { String(format: "%02x", $0) }.joined() == hex, "\(name): \(wantName)")
            }
        }
        let others = Dictionary(checkpoint.details.otherEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (key, value) in expected.otherEntries {
            #expect(others[key] == value, "\(name): \(key)")
        }
    }

    /// torch.save writes archive records that `inspect` reports; the values are those torch 2.15 writes.
    @Test func zipRecordsAreReported() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("checkpoints/resnet20-cifar10.pth"))
        #expect(checkpoint.details.serializationVersion == "3")
        #expect(checkpoint.details.pickleProtocol == 2)
        #expect(checkpoint.details.metadata["byteorder"] == "little")
        #expect(checkpoint.details.metadata["storage_alignment"] == "64")
        #expect(checkpoint.details.metadata["format_version"] == "1")
        #expect(checkpoint.details.metadata["archive_folder"] == "resnet20-cifar10")
        #expect(checkpoint.details.metadata["serialization_id"]?.count == 40)
        let big = try Checkpoint.open(path: Fixtures.path("checkpoints/dtypes-big-endian.pth"))
        #expect(big.details.metadata["byteorder"] == "big")
        #expect(big.details.metadata["archive_folder"] == "archive")
    }

    @Test func protocolFourAndLegacyDetails() throws {
        let proto4 = try Checkpoint.open(path: Fixtures.path("checkpoints/views-proto4.pth"))
        #expect(proto4.details.pickleProtocol == 4)
        let legacy = try Checkpoint.open(path: Fixtures.path("checkpoints/views-legacy.pth"))
        #expect(legacy.details.serializationVersion == "1001")
        #expect(legacy.details.pickleProtocol == 2)
    }

    /// The other entries keep file order (Python's repr of each is checked by `matchesTorch`).
    @Test func otherEntriesKeepFileOrder() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("checkpoints/nested.pth"))
        #expect(checkpoint.details.otherEntries.map(\.key) == ["epoch", "optimizer_state_dict", "args", "loss", "classes"])
    }

    /// A whole pickled model and a TorchScript archive give their weights (values: RealCheckpointTests).
    @Test func wholeModuleAndTorchScriptAreRead() throws {
        let whole = try Checkpoint.open(path: Fixtures.path("checkpoints/whole-module.pth"))
        #expect(whole.descriptors.map(\.name) == ["0.weight", "0.bias"])
        let script = try Checkpoint.open(path: Fixtures.path("checkpoints/torchscript.pt"))
        #expect(script.descriptors.map(\.name) == ["weight", "bias"])
        #expect(script.details.metadata["torchscript"] == "code/ and constants.pkl not read")
    }
}
