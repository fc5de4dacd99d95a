import Foundation
@testable import RNXExport
import RNXTestSupport
import Testing

/// The ONNX reader of `rnx verify` on the attack files of `fixtures/onnx/attacks/` (made with onnx by
/// `scripts/fixtures/gen_onnx_attacks.py`): each is refused with exactly this problem, reviewed by hand, without
/// reading past what the file has or allocating what its dims claim.
struct ONNXAttackTests {
    static let expected: [String: String] = [
        "empty.onnx": "not an ONNX model: it has no graph",
        "no-graph.onnx": "not an ONNX model: it has no graph",
        "text.onnx": "not an ONNX model: malformed protobuf (a bad field tag, wire type or varint)",
        "truncated.onnx": "not an ONNX model: the protobuf ends inside a field (truncated, or a length past the end)",
        "lying-length-short.onnx":
            "not an ONNX model: the protobuf ends inside a field (truncated, or a length past the end)",
        // swift-protobuf refuses a length over 2 GiB outright.
        "lying-length.onnx": "not an ONNX model: malformed protobuf (a bad field tag, wire type or varint)",
        "invalid-utf8.onnx": "not an ONNX model: a string field is not UTF-8",
        "nested-too-deep.onnx": "not an ONNX model: messages nested deeper than 100",
        "undefined-input.onnx": "node relu (Relu) uses 'missing', which nothing before it defines",
        "defined-twice.onnx": "'logits' is defined twice",
        "no-opset.onnx": "no ONNX opset is imported",
        "wrong-dtype.onnx": "initializer 'w': has data type 8, which rnx does not check",
        "unknown-dtype.onnx": "initializer 'w': has data type 99, which rnx does not check",
        "negative-dim.onnx": "initializer 'w': has a negative dimension in [2, -3, 1, 1]",
        "dims-overflow.onnx":
            "initializer 'w': dims [1099511627776, 1099511627776] of 4-byte elements overflow 64 bits",
        "huge-dims.onnx": "initializer 'w': holds 24 bytes, its dims [1099511627776] need 4398046511104",
        "short-raw-data.onnx": "initializer 'w': holds 20 bytes, its dims [2, 3, 1, 1] need 24",
        "external-past-end.onnx":
            "initializer 'w': ends past the end of weights.data (8 + 24 bytes, the file has 24)",
        "external-offset-overflow.onnx":
            "initializer 'w': ends past the end of weights.data (9223372036854775800 + 24 bytes, the file has 24)",
        "external-huge.onnx":
            "initializer 'w': ends past the end of weights.data (0 + 4398046511104 bytes, the file has 24)",
        "external-length-lies.onnx": "initializer 'w': external data length 16, its dims [2, 3, 1, 1] need 24",
        "external-bad-offset.onnx": "initializer 'w': external data offset '-4' is not a byte offset",
        "external-escape.onnx":
            "initializer 'w': external data location '../attacks/weights.data' leaves the model's folder",
        "external-absolute.onnx": "initializer 'w': external data location '/etc/passwd' is an absolute path",
        "external-no-location.onnx": "initializer 'w': external data has no location",
        "external-missing.onnx": "initializer 'w': cannot read missing.data: No such file or directory",
        "external-directory.onnx": "initializer 'w': external data location '.' is not a regular file",
        "wrong-digest.onnx": "data SHA-256 e2c0a71510b5394df7773b63fb5f54372b84c3564e67811bde7d665be227976d does not "
            + "match data_sha256 0000000000000000000000000000000000000000000000000000000000000000 in the metadata",
    ]

    struct Manifest: Decodable {
        var files: [String: String]
    }

    @Test func everyAttackIsRefusedWithItsProblem() throws {
        let manifest = try JSONDecoder().decode(Manifest.self, from: Fixtures.data("onnx/attacks/MANIFEST.json"))
        let attacks = manifest.files.keys.filter { $0.hasSuffix(".onnx") && !["valid.onnx", "external-valid.onnx"].contains($0) }
        // Every attack file the generator made has its expected problem here, and no more.
        #expect(Set(attacks) == Set(Self.expected.keys))
        for (file, problem) in Self.expected {
            let report = ONNXVerifier.verify(path: Fixtures.path("onnx/attacks/" + file))
            #expect(report.problems == [problem], "\(file)")
        }
        for file in ["valid.onnx", "external-valid.onnx"] {
            let report = ONNXVerifier.verify(path: Fixtures.path("onnx/attacks/" + file))
            #expect(report.problems == [], "\(file)")
            #expect(report.initializerCount == 1 && report.architecture == "attack", "\(file)")
        }
    }

    @Test func externalDataThroughASymbolicLinkMustStayInTheFolder() throws {
        let directory = try Fixtures.temporaryDirectory()
        let outside = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.onnx")
        try Fixtures.data("onnx/attacks/external-valid.onnx").write(to: model)
        let weights = Fixtures.path("onnx/attacks/weights.data")
        try Fixtures.data("onnx/attacks/weights.data").write(to: outside.appendingPathComponent("real.data"))
        let link = directory.appendingPathComponent("weights.data")
        try FileManager.default.createSymbolicLink(
            atPath: link.path, withDestinationPath: outside.appendingPathComponent("real.data").path)
        #expect(ONNXVerifier.verify(path: model.path).problems
            == ["initializer 'w': external data location 'weights.data' leads out of the model's folder"])
        // A link that stays inside the folder is followed.
        try FileManager.default.removeItem(at: link)
        try Data(contentsOf: URL(fileURLWithPath: weights)).write(to: directory.appendingPathComponent("inside.data"))
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "inside.data")
        #expect(ONNXVerifier.verify(path: model.path).problems == [])
    }

    @Test func problemsAreCappedWithACount() {
        var problems = ONNXVerifier.Problems()
        for index in 0..<25 { problems.append(.malformedGraph("problem \(index)")) }
        #expect(problems.lines.count == 21)
        #expect(problems.lines.first == "problem 0" && problems.lines[19] == "problem 19")
        #expect(problems.lines.last == "5 more problems")
    }

    @Test func verifyPrintsTheProblemAndFails() throws {
        let directory = try Fixtures.temporaryDirectory()
        try Fixtures.data("onnx/attacks/external-escape.onnx").write(to: directory.appendingPathComponent("x.onnx"))
        let result = try RNXProcess.run(["verify", "x.onnx"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout
            == "x.onnx: FAIL initializer 'w': external data location '../attacks/weights.data' leaves the model's folder\n")
    }
}
