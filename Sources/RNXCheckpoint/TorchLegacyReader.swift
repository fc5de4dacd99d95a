import RNXPickle
import RNXTensor

/// Reads the legacy `torch.save` format (torch < 1.6, or `_use_new_zipfile_serialization=False`).
///
/// The file is five pickles — magic number, protocol version, sys_info, the object, the storage keys — then each
/// storage as an 8-byte little-endian element count and its raw little-endian data, in key-list order.
/// Opening reads the pickles and the storage headers; tensor bytes are read one storage at a time.
public enum TorchLegacyReader {
    /// 0x1950a86a20f9469cfc6c, as pickle's LONG1 stores it (little-endian two's complement).
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001
    /// How much of the file is read first to find the pickles; grown fourfold while the pickles run past it.
    static let initialWindow = 1 << 20

    /// The pickles at the start of a legacy file, and where the storage records begin.
    struct Pickles {
        let main: PickleResult
        let keys: [String]
        let dataStart: Int
    }

    /// Opens a legacy checkpoint lazily, running its pickles within `limits`.
    public static func read(
        path: String, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Checkpoint {
        try read(path: path, window: initialWindow, limits: limits, selection: selection)
    }

    /// `read(path:limits:)` with a chosen first window, so tests can make the pickles outgrow it.
    static func read(
        path: String, window: Int, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Checkpoint {
        let file = try RandomAccessFile(path: path)
        let plain = Unpickler(policy: .allow([]), limits: limits)
        let pickles = try readPickles(
            file, window: window, maxBytes: limits.maxBytes, runPlain: { try plain.run($0, from: $1) }
        ) {
            try Checkpoint.runTorchPickle($0, from: $1, limits: limits)
        }
        let layer = try TorchPickleLayer(pickles.main, maxUnfoldedObjects: limits.maxUnfoldedObjects, selection: selection)

        // Walk the storage headers: each count must match the pickle and each record must lie inside the file.
        var dataOffsets: [String: Int] = [:]
        var position = pickles.dataStart
        for key in pickles.keys {
            guard let storage = layer.storages[key] else { throw CheckpointError.unknownStorageKey(key) }
            guard dataOffsets[key] == nil else { throw CheckpointError.unknownStorageKey(key) }
            let available = max(0, file.size - position)
            guard available >= 8 else {
                throw CheckpointError.truncatedStorage(key: key, offset: position, needed: 8, available: available)
            }
            let header = try file.read(offset: position, count: 8)
            // torch writes the count as a signed int64 (`int64_t numel`), so a hostile -4 reads as -4.
            let count = header.withUnsafeBytes { $0.loadLE(Int64.self, at: 0) }
            guard count == Int64(storage.elementCount) else {
                throw CheckpointError.storageCountMismatch(
                    key: key, declared: storage.elementCount, found: Int(clamping: count))
            }
            guard storage.byteCount <= available - 8 else {
                throw CheckpointError.truncatedStorage(
                    key: key, offset: position + 8, needed: storage.byteCount, available: available - 8)
            }
            dataOffsets[key] = position + 8
            position += 8 + storage.byteCount
        }
        for key in layer.storageOrder where dataOffsets[key] == nil {
            throw CheckpointError.missingRecord("storage " + key)
        }
        // torch stops reading after the last record; bytes there would be a payload no reader accounts for
        // (as after STOP in a zip's data.pkl, or after the last tensor of a safetensors file).
        guard position == file.size else {
            throw CheckpointError.legacyTrailingBytes(offset: position, count: file.size - position)
        }

        var details = CheckpointDetails()
        details.serializationVersion = String(protocolVersion)
        details.pickleProtocol = pickles.main.proto
        details.stateDictPath = layer.stateDictPath
        details.strippedPrefixes = layer.strippedPrefixes
        details.otherEntries = layer.otherEntries
        details.alsoFound = layer.alsoFound
        details.moduleClass = layer.moduleClass
        return try Checkpoint.torch(
            path: path, format: .torchLegacy, layer: layer, details: details, bigEndian: false
        ) { storage in
            guard let offset = dataOffsets[storage.key] else { throw CheckpointError.missingRecord("storage " + storage.key) }
            return try file.read(offset: offset, count: storage.byteCount)
        }
    }

    /// Runs the five pickles, reading more of the file only while they need it (the data can be gigabytes).
    ///
    /// `runMain` runs the object pickle and `runPlain` the others (the normal load refuses globals in them; the
    /// scan reads legacy files as pickle streams itself, `ScanCollector`).
    static func readPickles(
        _ file: RandomAccessFile, window first: Int = initialWindow, maxBytes limit: Int,
        runPlain: ([UInt8], Int) throws -> PickleResult, runMain: ([UInt8], Int) throws -> PickleResult
    ) throws -> Pickles {
        var window = min(file.size, max(first, 16), limit)
        while true {
            let bytes = try file.read(offset: 0, count: window)
            do {
                return try parsePickles(bytes, runPlain: runPlain, runMain: runMain)
            } catch {
                // Not `catch let error as PickleError where ...`: when such a clause's condition fails, the cast
                // copy of the error leaked (LeakSanitizer on the fuzz targets); testing inside the clause does not.
                guard window < file.size && isCutOff(error) else { throw error }
                // The window ended inside a pickle: read more, up to the limit on the pickles' bytes.
                guard window < limit else { throw PickleError.pickleTooLarge(limit: limit, offset: window) }
                window = min(file.size, window * 4, limit)
            }
        }
    }

    /// Whether a pickle failed only because its bytes ran out (so a larger window may hold it).
    static func isCutOff(_ error: any Error) -> Bool {
        switch error as? PickleError {
        case .truncated, .missingStop: true
        default: false
        }
    }

    private static func parsePickles(
        _ bytes: [UInt8], runPlain: ([UInt8], Int) throws -> PickleResult,
        runMain: ([UInt8], Int) throws -> PickleResult
    ) throws -> Pickles {
        let magic: PickleResult
        do {
            magic = try runPlain(bytes, 0)
        } catch {
            throw CheckpointError.badLegacyMagic
        }
        guard case .bigInt(let value) = magic.root, value == Self.magic else { throw CheckpointError.badLegacyMagic }
        let version = try runPlain(bytes, magic.endOffset)
        guard case .int(let number) = version.root else {
            throw CheckpointError.unexpectedPickle(
                reason: "legacy protocol version is not an integer", offset: magic.endOffset)
        }
        guard number == Int64(protocolVersion) else {
            throw CheckpointError.unsupportedLegacyProtocol(Int(clamping: number))
        }
        let sysInfo = try runPlain(bytes, version.endOffset)
        let main = try runMain(bytes, sysInfo.endOffset)
        let keyList = try runPlain(bytes, main.endOffset)
        guard let items = keyList.heap.list(keyList.root) else {
            throw CheckpointError.unexpectedPickle(reason: "storage key list is not a list", offset: main.endOffset)
        }
        var keys: [String] = []
        for item in items {
            guard case .string(let key) = item else {
                throw CheckpointError.unexpectedPickle(reason: "storage key is not a string", offset: main.endOffset)
            }
            keys.append(key)
        }
        return Pickles(main: main, keys: keys, dataStart: keyList.endOffset)
    }
}
