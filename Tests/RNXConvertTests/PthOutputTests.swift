import Crypto
import Foundation
import RNXArch
@testable import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

/// `.pth` output: rnx must still write exactly what real torch accepted in `scripts/fixtures/check_pth_with_torch.py`
/// (torch.load(weights_only=True), mmap, strict load_state_dict, tensors equal to the adapted source), round trips
/// must give the original tensors back, and verify must check what it records.
struct PthOutputTests {
    struct Case: Decodable {
        var name: String
        var input: String?
        var via: String?
        var args: [String]
        var records: [String]
        var data_pkl_sha256: String
        var data_sha256: String
        var torch_load_weights_only: Bool
        var load_state_dict_strict: Bool
    }

    struct Check: Decodable {
        var cases: [Case]
    }

    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    static func replayed() throws -> [Case] {
        try JSONDecoder().decode(Check.self, from: Fixtures.data("pth/torch-check.json")).cases.filter { $0.input != nil }
    }

    static func adaptations(_ args: [String]) -> [Adaptation] {
        var result: [Adaptation] = []
        var index = 0
        while index + 1 < args.count {
            let value = args[index + 1]
            switch args[index] {
            case "--num-classes": result.append(.numClasses(Int(value) ?? -1))
            case "--classes": result.append(.classes(value.split(separator: ",").compactMap { Int($0) }))
            case "--in-channels": result.append(.inChannels(Int(value) ?? -1))
            case "--dtype": result.append(.dtype(value == "f16" ? .float16 : value == "bf16" ? .bfloat16 : .float32))
            default: Issue.record("unknown argument \(args[index])")
            }
            index += 2
        }
        return result
    }

    @discardableResult
    static func convert(_ input: String, to output: String, _ adaptations: [Adaptation] = []) throws -> ConvertReport {
        let options = ConvertOptions(adaptations: adaptations, rnxVersion: "9.9.9")
        return try Converter.convert(try Checkpoint.open(path: input), input: input, output: output, options: options)
    }

    static func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// The records of an archive, by name relative to its folder, in archive order.
    static func records(_ path: String) throws -> [(name: String, bytes: [UInt8])] {
        let records = try TorchZipReader.records(path: path)
        return try records.archive.entries.map {
            (String($0.name.dropFirst(records.prefix.count + 1)), try records.archive.read($0))
        }
    }

    @Test func writesWhatTorchAccepted() throws {
        let cases = try Self.replayed()
        #expect(cases.count >= 5)
        for item in cases {
            #expect(item.torch_load_weights_only && item.load_state_dict_strict)
            let directory = try Fixtures.temporaryDirectory()
            var input = Fixtures.path(try #require(item.input))
            var adaptations = Self.adaptations(item.args)
            if let via = item.via {
                let first = directory.appendingPathComponent("\(item.name).\(via)").path
                try Self.convert(input, to: first, adaptations)
                input = first
                adaptations = []
            }
            // The archive folder is named after the file, as in the script.
            let output = directory.appendingPathComponent("\(item.name).pth").path
            let report = try Self.convert(input, to: output, adaptations)
            let records = try Self.records(output)
            #expect(records.map(\.name) == item.records, "\(item.name)")
            #expect(Self.hex(records.first { $0.name == "data.pkl" }?.bytes ?? []) == item.data_pkl_sha256, "\(item.name)")
            #expect(report.dataSHA256 == item.data_sha256, "\(item.name)")
            let opened = try Checkpoint.open(path: output)
            #expect(opened.details.metadata["rnx.data_sha256"] == item.data_sha256)
            #expect(Verifier.verify(path: output).problems == [], "\(item.name)")
        }
    }

    @Test func roundTripThroughRNWGivesTheOriginalTensors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let rnw = directory.appendingPathComponent("a.rnw").path
        let pth = directory.appendingPathComponent("b.pth").path
        let again = directory.appendingPathComponent("c.pth").path
        try Self.convert(Self.resnet20, to: rnw)
        try Self.convert(rnw, to: pth)
        try Self.convert(pth, to: again)
        let source = try Checkpoint.open(path: Self.resnet20)
        for path in [pth, again] {
            let result = try Checkpoint.open(path: path)
            #expect(result.format == .torchZip)
            #expect(result.descriptors == source.descriptors)
            for index in source.descriptors.indices {
                #expect(try result.loadTensor(at: index) == source.loadTensor(at: index))
            }
        }
        // Only the metadata (source file and digest) differs between the two .pth files.
        let first = try Self.records(pth), second = try Self.records(again)
        #expect(first.map(\.name) == second.map(\.name))
        for (a, b) in zip(first, second) where a.name != PTHFormat.metadataRecord { #expect(a.bytes == b.bytes, "\(a.name)") }
    }

    @Test func everyRecordIsStoredAndAligned() throws {
        let directory = try Fixtures.temporaryDirectory()
        let output = directory.appendingPathComponent("r.pth").path
        let report = try Self.convert(Self.resnet20, to: output, [.dtype(.bfloat16)])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        let records = try TorchZipReader.records(path: output)
        #expect(records.prefix == "r")
        let stored = records.archive.entries.allSatisfy { $0.isStored }
        #expect(stored)
        // Walk the local headers from offset 0: each starts where the previous data ends, its data 64-byte aligned.
        var offset = 0
        for entry in records.archive.entries {
            #expect(Array(bytes[offset..<offset + 4]) == [0x50, 0x4B, 0x03, 0x04])
            let nameLength = Int(bytes[offset + 26]) | Int(bytes[offset + 27]) << 8
            let extraLength = Int(bytes[offset + 28]) | Int(bytes[offset + 29]) << 8
            #expect(String(decoding: bytes[offset + 30..<offset + 30 + nameLength], as: UTF8.self) == entry.name)
            // torch's padding field: "FB", its length, then 'Z's.
            let extra = Array(bytes[offset + 30 + nameLength..<offset + 30 + nameLength + extraLength])
            #expect(extra.prefix(2) == [0x46, 0x42])
            #expect(Int(extra[2]) | Int(extra[3]) << 8 == extraLength - 4)
            #expect(extra.dropFirst(4).allSatisfy { $0 == UInt8(ascii: "Z") })
            let data = offset + 30 + nameLength + extraLength
            #expect(data % 64 == 0, "\(entry.name)")
            offset = data + entry.compressedSize
        }
        let texts = try Self.records(output).filter { !$0.name.hasPrefix("data") }
        let id = Converter.serializationID(dataSHA256: report.dataSHA256)
        #expect(texts.map { "\($0.name)=\(String(decoding: $0.bytes, as: UTF8.self))" }.filter { !$0.hasPrefix("rnx/") } == [
            ".format_version=1", ".storage_alignment=64", "byteorder=little", "version=3\n",
            ".data/serialization_id=" + id,
        ])
        // 40 digits: the first two 64-bit halves of the data digest in decimal, 20 digits each.
        #expect(id.count == 40 && id.allSatisfy(\.isNumber))
        #expect(UInt64(id.prefix(20)) == UInt64(report.dataSHA256.prefix(16), radix: 16))
    }

    @Test func verifyFindsDataThatDoesNotMatchTheMetadata() throws {
        let directory = try Fixtures.temporaryDirectory()
        let good = directory.appendingPathComponent("good.pth").path
        let report = try Self.convert(Self.resnet20, to: good)
        // Same records, but the metadata claims another data digest (rewritten with libzip, CRCs all correct).
        let records = try Self.records(good).map { record in
            var bytes = record.bytes
            if record.name == PTHFormat.metadataRecord {
                bytes = Array(String(decoding: bytes, as: UTF8.self)
                    .replacingOccurrences(of: report.dataSHA256, with: String(repeating: "a", count: 64)).utf8)
            }
            return TorchZipWriter.Record(name: record.name, size: bytes.count) { bytes }
        }
        let bad = directory.appendingPathComponent("bad.pth").path
        try TorchZipWriter.write(path: bad, folder: "bad", records: records)
        #expect(Verifier.verify(path: bad).problems == [
            "data SHA-256 \(report.dataSHA256) does not match data_sha256 \(String(repeating: "a", count: 64)) in the metadata",
        ])
    }

    @Test func aMalformedMetadataRecordIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let good = directory.appendingPathComponent("good.pth").path
        try Self.convert(Self.resnet20, to: good)
        for (text, reason) in [("[1]", "not a JSON object"), ("{\"format\":1}", "value of 'format' is not a string")] {
            let records = try Self.records(good).map { record in
                let bytes = record.name == PTHFormat.metadataRecord ? Array(text.utf8) : record.bytes
                return TorchZipWriter.Record(name: record.name, size: bytes.count) { bytes }
            }
            let bad = directory.appendingPathComponent("bad-\(UUID().uuidString).pth").path
            try TorchZipWriter.write(path: bad, folder: "bad", records: records)
            #expect(throws: CheckpointError.corruptZip(entry: "bad/rnx/metadata.json", reason: reason)) {
                try Checkpoint.open(path: bad)
            }
        }
    }

    @Test func aBadInputRecordLeavesNothingBehind() throws {
        let directory = try Fixtures.temporaryDirectory()
        // Flip one byte in the middle of the largest data record of a real torch file.
        var bytes = [UInt8](try Fixtures.data("checkpoints/resnet20-cifar10.pth"))
        let source = try TorchZipReader.records(path: Self.resnet20)
        let largest = try #require(source.archive.entries.max { $0.size < $1.size })
        let name = Array(largest.name.utf8)
        let signature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        var found: Int?
        for start in 30..<(bytes.count - name.count) where bytes[start] == name[0] {
            if Array(bytes[start..<start + name.count]) == name && Array(bytes[start - 30..<start - 26]) == signature {
                found = start
                break
            }
        }
        let at = try #require(found)
        let extraLength = Int(bytes[at - 2]) | Int(bytes[at - 1]) << 8
        bytes[at + name.count + extraLength + largest.size / 2] ^= 0x10
        let input = directory.appendingPathComponent("flipped.pth").path
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        for output in ["out.pth", "out.rnw"] {
            #expect(throws: CheckpointError.crcMismatch(entry: largest.name)) {
                try Self.convert(input, to: directory.appendingPathComponent(output).path)
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["flipped.pth"])
    }

    @Test func folderNamesFollowTorch() {
        #expect(TorchZipWriter.folderName(forFile: "/a/b/r18.pth") == "r18")
        #expect(TorchZipWriter.folderName(forFile: "x.y.pth") == "x.y")
        #expect(TorchZipWriter.folderName(forFile: "noext") == "noext")
        #expect(TorchZipWriter.folderName(forFile: ".pth") == ".pth")
        #expect(TorchZipWriter.folderName(forFile: "..") == "archive")
        #expect(TorchZipWriter.folderName(forFile: "a\\b.pth") == "archive")
    }

    @Test func formatFollowsTheExtension() {
        #expect(OutputFormat.forPath("m.pth") == .pth)
        #expect(OutputFormat.forPath("M.PT") == .pth)
        #expect(OutputFormat.forPath("m.rnw") == .rnw)
        #expect(OutputFormat.forPath("m.safetensors") == .rnw)
    }
}
