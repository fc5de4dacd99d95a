import Crypto
import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// Finding the model in the checkpoints trainers write (`fixtures/checkpoints/trainers/`, by
/// `scripts/fixtures/gen_trainer_checkpoints.py` with real torch, timm and Lightning). What each file holds comes
/// from torch.load (`expected.json`): the chosen dict's tensor count and its first tensor's bytes.
struct StateDictSelectionTests {
    /// Stands in for the architecture layer's "maps onto a ResNet" (RNXArch is not a dependency here): a stem
    /// conv and a classifier at the names' top level.
    static let resnetLike: @Sendable ([TensorDescriptor]) -> Bool = { descriptors in
        let names = Set(descriptors.map(\.name))
        return names.contains("conv1.weight") && (names.contains("fc.weight") || names.contains("linear.weight"))
    }

    static func expected(_ file: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data("checkpoints/trainers/expected.json"))
        let all = try #require(object as? [String: Any])
        return try #require(all[file] as? [String: Any])
    }

    static func open(_ file: String, key: String? = nil, recognizer: Bool = true) throws -> Checkpoint {
        try Checkpoint.open(
            path: Fixtures.path("checkpoints/trainers/" + file),
            selection: StateDictSelection(key: key, recognizesModel: recognizer ? resnetLike : nil))
    }

    /// The chosen dict is torch's at `path`: same count, same first tensor, prefixes stripped.
    static func check(_ checkpoint: Checkpoint, file: String, path: String, prefixes: [String]) throws {
        let dicts = try #require(try expected(file)["dicts_of_tensors"] as? [String: Any])
        let want = try #require(dicts[path] as? [String: Any], "\(file): no '\(path)' in expected.json")
        #expect(checkpoint.details.stateDictPath == (path.isEmpty ? nil : path), "\(file)")
        #expect(checkpoint.details.strippedPrefixes == prefixes, "\(file)")
        #expect(checkpoint.descriptors.count == want["tensors"] as? Int, "\(file)")
        let first = try #require(want["first"] as? String)
        #expect(prefixes.joined() + checkpoint.descriptors[0].name == first, "\(file)")
        #expect(checkpoint.descriptors[0].shape == want["shape"] as? [Int], "\(file)")
        let bytes = try checkpoint.loadTensor(at: 0).bytes
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(digest == want["sha256"] as? String, "\(file)")
    }

    @Test(arguments: [
        ("examples.pth.tar", "state_dict", ["module."]),
        ("timm.pth.tar", "state_dict", []),
        ("lightning-model.ckpt", "state_dict", ["model."]),
        ("lightning-net.ckpt", "state_dict", ["net."]),
        ("lightning-backbone.ckpt", "state_dict", ["backbone."]),
        ("ddp-compile.pth", "", ["module.", "_orig_mod."]),
        ("compile-ddp.pth", "", ["_orig_mod.", "module."]),
        ("nested-ema.pth", "model.ema", []),
    ])
    func theModelIsFound(_ file: String, _ path: String, _ prefixes: [String]) throws {
        try Self.check(try Self.open(file), file: file, path: path, prefixes: prefixes)
    }

    /// pytorch/examples saves best_acc1 as a 0-d tensor at the top level: it never shadows the model, even
    /// without a model test (the model-like dict wins), and it is reported.
    @Test func aLoneMetricNeverShadowsTheModel() throws {
        let checkpoint = try Self.open("examples.pth.tar", recognizer: false)
        try Self.check(checkpoint, file: "examples.pth.tar", path: "state_dict", prefixes: ["module."])
        #expect(checkpoint.details.alsoFound.map(\.path) == ["best_acc1", "optimizer"])
        #expect(checkpoint.details.alsoFound.map(\.note) == ["not a model", "not a model"])
        let others = Dictionary(uniqueKeysWithValues: checkpoint.details.otherEntries.map { ($0.key, $0.value) })
        #expect(others["best_acc1"] == "tensor(...)")
        #expect(others["arch"] == "'resnet8'")
    }

    @Test func alsoFoundNamesTheEMAAndTheOptimizer() throws {
        let timm = try Self.open("timm.pth.tar")
        #expect(timm.details.alsoFound.map(\.path) == ["optimizer", "state_dict_ema"])
        #expect(timm.details.alsoFound.map(\.note) == ["not a model", "same layout"])
        let lightning = try Self.open("lightning-model.ckpt")
        #expect(lightning.details.alsoFound.map(\.path) == ["callbacks", "optimizer_states"])
    }

    @Test func keyPicksADictByDottedPath() throws {
        try Self.check(try Self.open("timm.pth.tar", key: "state_dict_ema"), file: "timm.pth.tar",
                       path: "state_dict_ema", prefixes: [])
        try Self.check(try Self.open("nested-ema.pth", key: "model.online"), file: "nested-ema.pth",
                       path: "model.online", prefixes: [])
        try Self.check(try Self.open("gan.pth", key: "netD", recognizer: false), file: "gan.pth", path: "netD",
                       prefixes: [])
    }

    @Test func errors() throws {
        #expect(throws: CheckpointError.severalModels(paths: ["netG", "netD"], tensorCounts: [9, 4])) {
            try Self.open("gan.pth")
        }
        #expect(throws: CheckpointError.keyNotFound(key: "ema", available: ["optimizer", "state_dict", "state_dict_ema"])) {
            try Self.open("timm.pth.tar", key: "ema")
        }
        // A path to something that is no dict of tensors (the args Namespace) is not found either.
        #expect(throws: CheckpointError.keyNotFound(key: "args", available: ["optimizer", "state_dict", "state_dict_ema"])) {
            try Self.open("timm.pth.tar", key: "args")
        }
        #expect(throws: CheckpointError.keyNotFound(key: "model", available: [])) {
            try Checkpoint.open(path: Fixtures.path("safetensors/cifar-tiny.safetensors"),
                                selection: StateDictSelection(key: "model"))
        }
        #expect(CheckpointError.severalModels(paths: ["netG", "netD"], tensorCounts: [9, 4]).description
            == "the checkpoint holds 2 different models: 'netG' (9 tensors), 'netD' (4 tensors); choose one with --key")
        #expect(CheckpointError.keyNotFound(key: "ema", available: ["optimizer", "state_dict"]).description
            == "--key 'ema': no dict of tensors there; the file has them under 'optimizer', 'state_dict'")
        #expect(CheckpointError.keyNotFound(key: "model", available: []).description
            == "--key 'model': this file has no nested dicts of tensors to choose from")
    }
}
