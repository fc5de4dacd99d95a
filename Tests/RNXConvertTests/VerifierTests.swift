import Foundation
import RNXCheckpoint
import RNXConvert
import RNXTestSupport
import Testing

struct VerifierTests {
    /// torch.hub's HASH_REGEX `-([a-f0-9]*)\.`, first match (as `re.search` finds it).
    @Test func hubPrefixFollowsTorchHub() {
        #expect(Verifier.hubHashPrefix(fileName: "resnet34-b627a593.pth") == "b627a593")
        #expect(Verifier.hubHashPrefix(fileName: "resnext101_32x8d-8ba56ff5.pth") == "8ba56ff5")
        #expect(Verifier.hubHashPrefix(fileName: "model.pth") == nil)
        #expect(Verifier.hubHashPrefix(fileName: "a-B627.pth") == nil)
        #expect(Verifier.hubHashPrefix(fileName: "x-abc.tar.gz") == "abc")
        #expect(Verifier.hubHashPrefix(fileName: "a-x-12.pth") == "12")
    }

    static func copy(_ fixture: String, as name: String) throws -> String {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path)
        return path
    }

    @Test func passesAGoodFileAndChecksTheNamePrefix() throws {
        let digest = try FileDigest.sha256(path: Fixtures.path("safetensors/cifar-tiny.safetensors")).file
        let good = try Self.copy("safetensors/cifar-tiny.safetensors", as: "tiny-\(digest.prefix(8)).safetensors")
        let result = Verifier.verify(path: good, sha256: digest.uppercased())
        #expect(result.problems == [])
        #expect(result.sha256 == digest && result.tensorCount == 44 && result.architecture == "custom")
        #expect(result.line == "\(good): OK custom, 44 tensors, sha256 \(digest)")

        let bad = try Self.copy("safetensors/cifar-tiny.safetensors", as: "tiny-0000abcd.safetensors")
        #expect(Verifier.verify(path: bad).problems == ["SHA-256 \(digest) does not start with 0000abcd from the file name"])
        let other = String(repeating: "0", count: 64)
        #expect(Verifier.verify(path: good, sha256: other).problems == ["SHA-256 \(digest) is not the expected \(other)"])
    }

    @Test func reportsMappingProblemsAndUnreadableFiles() throws {
        let result = Verifier.verify(path: Fixtures.path("safetensors/mismatched.safetensors"))
        #expect(result.problems == [
            "weights do not fit the architecture (3 problems): missing keys: linear.bias; unexpected keys: extra.weight; "
                + "layer2.0.conv2.weight: expected [32, 32, 3, 3], found [32, 16, 3, 3]"
        ])
        #expect(Verifier.verify(path: Fixtures.path("safetensors/cifar-tiny.safetensors"), arch: "resnet20").problems.count == 1)
        let missing = Verifier.verify(path: "/nonexistent/a.rnw")
        #expect(missing.problems == ["cannot open: No such file or directory"])
        #expect(missing.sha256 == nil)
        let hostile = Verifier.verify(path: Fixtures.path("safetensors/hostile/overlap.safetensors"))
        #expect(hostile.problems == ["safetensors: tensor 'b' at data offset 4 overlaps the previous tensor"])
        #expect(hostile.sha256 != nil)
    }

    @Test func detectsTamperedRnwData() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("out.rnw").path
        _ = try ConverterTests.convert(to: output)
        #expect(Verifier.verify(path: output).passed)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        bytes[bytes.count - 100] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: output))
        let result = Verifier.verify(path: output)
        let layout = try SafetensorsReader.readLayout(path: output)
        let recorded = try #require(layout.metadata["data_sha256"])
        let actual = try #require(try FileDigest.sha256(path: output, sectionStart: layout.dataOffset).section)
        #expect(actual != recorded)
        #expect(result.problems == ["data SHA-256 \(actual) does not match data_sha256 \(recorded) in the metadata"])
    }

    @Test func jsonListsEveryFile() throws {
        let results = [
            Verifier.verify(path: Fixtures.path("safetensors/cifar-tiny.safetensors")),
            Verifier.verify(path: "/nonexistent/a.rnw"),
        ]
        let object = try JSONSerialization.jsonObject(with: Data(VerifyResult.json(results).utf8)) as? [String: Any]
        #expect(object?["ok"] as? Bool == false)
        let files = try #require(object?["files"] as? [[String: Any]])
        #expect(files.map { $0["ok"] as? Bool } == [true, false])
        #expect(files[1]["problems"] as? [String] == ["cannot open: No such file or directory"])
    }

    @Test func digestsAreValidated() {
        #expect(Verifier.isDigest(String(repeating: "aB", count: 32)))
        #expect(!Verifier.isDigest(String(repeating: "g", count: 64)))
        #expect(!Verifier.isDigest("abc"))
    }
}
