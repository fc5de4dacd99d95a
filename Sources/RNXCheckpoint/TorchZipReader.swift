import Foundation
import RNXPickle
import RNXTensor

/// Reads `torch.save` zip archives (torch ≥ 1.6): `<folder>/data.pkl` plus one `<folder>/data/<key>` per storage.
///
/// Opening reads the zip directory and the pickle only; tensor bytes are read one storage at a time.
public enum TorchZipReader {
    /// The record rnx writes its metadata into, relative to the archive folder.
    public static let rnxMetadataRecord = "rnx/metadata.json"
    /// The largest metadata record read (a long class list fits many times over).
    static let rnxMetadataLimit = 16 << 20

    /// The records of a torch archive, by name relative to its folder, after the archive-level checks.
    struct Records {
        let archive: ZipArchive
        let prefix: String
        let byName: [String: ZipArchive.Entry]

        func entry(_ name: String) -> ZipArchive.Entry? { byName[name] }

        /// Refuses a record larger than `limit` bytes before anything of it is read.
        static func check(_ entry: ZipArchive.Entry, limit: Int) throws {
            guard entry.size <= limit else {
                throw CheckpointError.recordTooLarge(entry: entry.name, size: entry.size, limit: limit)
            }
        }

        /// A small text record (`version`, `byteorder`, ...), trimmed; nil when absent.
        func text(_ name: String, limit: Int = 256) throws -> String? {
            guard let entry = byName[name] else { return nil }
            try Self.check(entry, limit: limit)
            let bytes = try archive.read(entry)
            return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        }
    }

    /// Opens the archive and checks what torch's own reader assumes: one folder holding every entry.
    static func records(path: String) throws -> Records {
        let archive = try ZipArchive(path: path)
        guard let first = archive.entries.first, let slash = first.name.firstIndex(of: "/") else {
            throw CheckpointError.missingRecord("data.pkl")
        }
        let prefix = String(first.name[..<slash])
        var byName: [String: ZipArchive.Entry] = [:]
        for entry in archive.entries {
            guard entry.name.hasPrefix(prefix + "/") else {
                throw CheckpointError.entryOutsidePrefix(entry: entry.name, prefix: prefix)
            }
            byName[String(entry.name.dropFirst(prefix.count + 1))] = entry
        }
        return Records(archive: archive, prefix: prefix, byName: byName)
    }

    /// Opens a torch zip checkpoint lazily, running its pickle within `limits`.
    public static func read(
        path: String, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Checkpoint {
        let records = try records(path: path)
        // A TorchScript archive (code/, constants.pkl) is read like any other: data.pkl holds its modules'
        // weights, and its code is data that is never read, let alone run.
        let isTorchScript = records.byName.keys.contains { $0.hasPrefix("code/") || $0 == "constants.pkl" }
        guard let pickleEntry = records.entry("data.pkl") else { throw CheckpointError.missingRecord("data.pkl") }
        try Records.check(pickleEntry, limit: limits.maxBytes)
        let bigEndian: Bool
        switch try records.text("byteorder") {
        case nil, "little"?: bigEndian = false
        case "big"?: bigEndian = true
        case let other?: throw CheckpointError.unsupportedByteOrder(other)
        }
        var details = CheckpointDetails()
        details.serializationVersion = try records.text("version") ?? records.text(".data/version")
        for (record, key) in [(".format_version", "format_version"), (".storage_alignment", "storage_alignment"),
                              (".data/serialization_id", "serialization_id")] {
            if let value = try records.text(record) { details.metadata[key] = value }
        }
        details.metadata["byteorder"] = bigEndian ? "big" : "little"
        // The metadata record rnx writes into its own .pth files: a JSON object of strings, shown as rnx.KEY.
        if let entry = records.entry(rnxMetadataRecord) {
            try Records.check(entry, limit: rnxMetadataLimit)
            let bytes = try records.archive.read(entry)
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw CheckpointError.corruptZip(entry: entry.name, reason: "not a JSON object")
            }
            for (key, value) in object {
                guard let text = value as? String else {
                    throw CheckpointError.corruptZip(entry: entry.name, reason: "value of '\(key)' is not a string")
                }
                details.metadata["rnx." + key] = text
            }
        }
        details.metadata["archive_folder"] = records.prefix
        if isTorchScript { details.metadata["torchscript"] = "code/ and constants.pkl not read" }

        let pickle = try records.archive.read(pickleEntry)
        let result = try Checkpoint.runTorchPickle(pickle, limits: limits)
        // torch writes exactly one pickle; anything after STOP is a second payload no reader should skip silently.
        guard result.endOffset == pickle.count else {
            throw CheckpointError.unexpectedPickle(reason: "data.pkl continues after its STOP opcode", offset: result.endOffset)
        }
        details.pickleProtocol = result.proto
        let layer = try TorchPickleLayer(result, maxUnfoldedObjects: limits.maxUnfoldedObjects, selection: selection)
        details.stateDictPath = layer.stateDictPath
        details.strippedPrefixes = layer.strippedPrefixes
        details.otherEntries = layer.otherEntries
        details.alsoFound = layer.alsoFound
        details.moduleClass = layer.moduleClass

        // Every storage the pickle declares must have a record of exactly its declared size.
        for key in layer.storageOrder {
            guard let storage = layer.storages[key] else { continue }
            guard let entry = records.entry("data/" + key) else { throw CheckpointError.missingRecord("data/" + key) }
            guard entry.size == storage.byteCount else {
                throw CheckpointError.storageSizeMismatch(key: key, declaredBytes: storage.byteCount, recordBytes: entry.size)
            }
        }
        return try Checkpoint.torch(
            path: path, format: .torchZip, layer: layer, details: details, bigEndian: bigEndian
        ) { storage in
            guard let entry = records.entry("data/" + storage.key) else {
                throw CheckpointError.missingRecord("data/" + storage.key)
            }
            return try records.archive.read(entry)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
