import Foundation
import RNXPickle
import RNXTensor

/// Reads torch's original tar format (torch < 0.1.10, e.g. torchvision's January 2017 `resnet18-5c106cde.pth`).
///
/// The file is a POSIX tar (`TarArchive`) of `sys_info`, `pickle` (the object, each tensor a persistent id),
/// `tensors` (per tensor its storage key, class, sizes, strides and offset) and `storages` (per storage its class,
/// element count and raw data, then the storage views). torch's `legacy_load` in `torch/serialization.py` is the
/// specification. Opening reads only the tar headers and the `sys_info`, `pickle` and `tensors` entries, so a
/// checkpoint whose storages are cut short still inspects; the `storages` entry's record headers are walked on the
/// first tensor read, and each tensor then reads only its storage's bytes.
public enum TorchTarReader {
    /// `sys_info`'s `protocol_version` in every tar checkpoint torch wrote.
    static let protocolVersion = 1000
    static let entryNames: Set<String> = ["sys_info", "pickle", "tensors", "storages"]
    /// Most dimensions a tensor record may declare (torch's limit).
    static let maxRank = 64

    /// The archive's entries, checked to be torch's.
    static func archive(path: String) throws -> TarArchive {
        let archive = try TarArchive(file: try RandomAccessFile(path: path))
        for entry in archive.entries where !entryNames.contains(entry.name) {
            throw CheckpointError.tarUnexpectedEntry(entry.name)
        }
        return archive
    }

    /// Opens a tar checkpoint lazily, running its pickles within `limits`.
    public static func read(
        path: String, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Checkpoint {
        let archive = try archive(path: path)
        func required(_ name: String) throws -> TarArchive.Entry {
            guard let entry = archive.entry(name) else {
                // The walk ends at a truncated entry: what is missing may just be after the cut.
                if let last = archive.entries.last, last.isTruncated {
                    throw CheckpointError.tarTruncatedEntry(
                        name: last.name, offset: last.dataOffset, size: last.size, available: last.available)
                }
                throw CheckpointError.missingRecord(name)
            }
            return entry
        }
        let pickleEntry = try required("pickle")
        let tensorsEntry = try required("tensors")
        let storagesEntry = try required("storages")

        var details = CheckpointDetails()
        details.serializationVersion = String(protocolVersion)
        if let sysInfo = archive.entry("sys_info") { try checkSysInfo(archive, sysInfo, limits: limits) }
        let table = try tensorRecords(archive, tensorsEntry, limits: limits)

        let pickle = try whole(archive, pickleEntry, limits: limits)
        let result = try Checkpoint.runTorchPickle(
            pickle, limits: limits, policy: .allow(TorchGlobals.allowlist.union([TorchGlobals.parameter])))
        guard result.endOffset == pickle.count else {
            throw CheckpointError.unexpectedPickle(
                reason: "the pickle entry continues after its STOP opcode", offset: pickleEntry.dataOffset + result.endOffset)
        }
        details.pickleProtocol = result.proto
        let layer = try TorchPickleLayer(
            result, maxUnfoldedObjects: limits.maxUnfoldedObjects, selection: selection, persistentTensors: table)
        details.stateDictPath = layer.stateDictPath
        details.strippedPrefixes = layer.strippedPrefixes
        details.otherEntries = layer.otherEntries

        let storages = StorageIndex(archive: archive, entry: storagesEntry, limits: limits)
        let tensors = layer.tensors
        let descriptors = tensors.map { TensorDescriptor(name: $0.name, dtype: $0.view.dtype, shape: $0.view.shape) }
        return Checkpoint(path: path, format: .torchTar, descriptors: descriptors, details: details) { index in
            let (name, view) = tensors[index]
            guard let storage = try storages.records()[view.storageKey] else {
                throw CheckpointError.missingRecord("storage " + view.storageKey)
            }
            guard storage.dtype == view.dtype else {
                throw CheckpointError.tarBadRecord(
                    entry: "tensors", offset: tensorsEntry.dataOffset,
                    reason: "tensor '\(name)' is \(view.dtype) but its storage '\(storage.key)' holds \(storage.dtype)")
            }
            let bytes = try view.validate(name: name, storageBytes: storage.byteCount)
            let data = try archive.read(storagesEntry, offset: storage.offset, count: storage.byteCount)
            return try Tensor(dtype: view.dtype, shape: view.shape, bytes: view.gather(from: data, byteCount: bytes))
        }
    }

    /// A whole entry, refused before reading when it is over the pickle size limit.
    static func whole(_ archive: TarArchive, _ entry: TarArchive.Entry, limits: PickleLimits) throws -> [UInt8] {
        guard entry.size <= limits.maxBytes else {
            throw CheckpointError.recordTooLarge(entry: entry.name, size: entry.size, limit: limits.maxBytes)
        }
        return try archive.read(entry, count: entry.size)
    }

    /// `sys_info` must say what every tar checkpoint says: protocol 1000, little-endian.
    private static func checkSysInfo(_ archive: TarArchive, _ entry: TarArchive.Entry, limits: PickleLimits) throws {
        let bytes = try whole(archive, entry, limits: limits)
        let result = try Unpickler(policy: .allow([]), limits: limits).run(bytes)
        let bad = { (reason: String) in CheckpointError.tarBadRecord(entry: "sys_info", offset: entry.dataOffset, reason: reason) }
        guard let items = result.heap.dict(result.root) else { throw bad("not a dict") }
        for (key, value) in items {
            switch (key, value) {
            case (.string("protocol_version"), .int(let version)):
                guard version == Int64(protocolVersion) else { throw CheckpointError.unsupportedLegacyProtocol(Int(version)) }
            case (.string("little_endian"), .bool(let little)):
                guard little else { throw CheckpointError.unsupportedByteOrder("big") }
            default: continue
            }
        }
    }

    /// The `tensors` entry: a count, then per tensor `(key, storage_key, torch.XTensor)`, int32 ndim, 4 bytes
    /// of padding (written uninitialised by torch 0.1), ndim int64 sizes and strides, an int64 offset.
    static func tensorRecords(_ archive: TarArchive, _ entry: TarArchive.Entry, limits: PickleLimits) throws
        -> [String: TorchTensorView]
    {
        let bytes = try whole(archive, entry, limits: limits)
        let unpickler = Unpickler(policy: .allow(TorchGlobals.tarAllowlist), limits: limits)
        var records = RecordCursor(bytes: bytes, entry: entry)
        let count = try records.count(unpickler)
        var table: [String: TorchTensorView] = [:]
        for _ in 0..<count {
            let start = records.position
            let result = try records.pickle(unpickler)
            guard let fields = result.heap.tuple(result.root), fields.count == 3,
                  let key = Self.key(fields[0]), let storageKey = Self.key(fields[1]),
                  let type = result.heap.global(fields[2]), let dtype = TorchGlobals.tarDType(of: type),
                  type.name.hasSuffix("Tensor")
            else { throw records.bad("tensor record is not (key, storage_key, torch.XTensor)", at: start) }
            let ndim = try records.integer(Int32.self)
            guard (0...Int32(maxRank)).contains(ndim) else {
                throw records.bad("tensor \(key) declares \(ndim) dimensions", at: records.position - 4)
            }
            _ = try records.integer(Int32.self)  // padding
            var shape: [Int] = []
            var stride: [Int] = []
            for _ in 0..<ndim { shape.append(Int(try records.integer(Int64.self))) }
            for _ in 0..<ndim { stride.append(Int(try records.integer(Int64.self))) }
            let offset = Int(try records.integer(Int64.self))
            guard !shape.contains(where: { $0 < 0 }), !stride.contains(where: { $0 < 0 }), offset >= 0,
                  let elements = CheckedArithmetic.product(shape), CheckedArithmetic.multiply(elements, dtype.byteSize) != nil
            else {
                throw records.bad(
                    "tensor \(key): invalid view (shape \(shape.shapeDescription), stride \(stride.shapeDescription), "
                        + "offset \(offset))", at: start)
            }
            guard table[key] == nil else { throw records.bad("tensor key \(key) appears twice", at: start) }
            // Sizes, strides and offset are checked against the storage when the tensor is read (TorchTensorView).
            table[key] = TorchTensorView(dtype: dtype, shape: shape, stride: stride, offset: offset, storageKey: storageKey)
        }
        try records.finish()
        return table
    }

    /// A storage of the `storages` entry: its element type and where its data is, relative to the entry.
    struct StorageRecord: Equatable, Sendable {
        let key: String
        let dtype: DType
        let offset: Int
        let byteCount: Int
    }

    /// The `storages` entry's records, walked once on first use (their data is never read here).
    final class StorageIndex: @unchecked Sendable {
        private let archive: TarArchive
        private let entry: TarArchive.Entry
        private let limits: PickleLimits
        private let lock = NSLock()
        private var cached: Result<[String: StorageRecord], Error>?

        init(archive: TarArchive, entry: TarArchive.Entry, limits: PickleLimits) {
            self.archive = archive
            self.entry = entry
            self.limits = limits
        }

        func records() throws -> [String: StorageRecord] {
            lock.lock()
            defer { lock.unlock() }
            if let cached { return try cached.get() }
            let result = Result { try TorchTarReader.storageRecords(archive, entry, limits: limits) }
            cached = result
            return try result.get()
        }
    }

    /// Walks the `storages` entry: a count; per storage `(key, location, torch.XStorage)`, an int64 element count
    /// and the elements; then the views `[(target_key, root_key, offset, numel)]`, each inside its root.
    static func storageRecords(_ archive: TarArchive, _ entry: TarArchive.Entry, limits: PickleLimits) throws
        -> [String: StorageRecord]
    {
        guard !entry.isTruncated else {
            throw CheckpointError.tarTruncatedEntry(
                name: entry.name, offset: entry.dataOffset, size: entry.size, available: entry.available)
        }
        let unpickler = Unpickler(policy: .allow(TorchGlobals.tarAllowlist), limits: limits)
        var cursor = WindowCursor(archive: archive, entry: entry, limit: limits.maxBytes)
        let bad = { (reason: String, at: Int) in
            CheckpointError.tarBadRecord(entry: entry.name, offset: entry.dataOffset + at, reason: reason)
        }
        let countAt = cursor.position
        let countResult = try cursor.pickle(unpickler)
        guard case .int(let count64) = countResult.root, count64 >= 0 else { throw bad("storage count is not a count", countAt) }
        var records: [String: StorageRecord] = [:]
        var done: Int64 = 0
        while done < count64 {
            let start = cursor.position
            let result = try cursor.pickle(unpickler)
            guard let fields = result.heap.tuple(result.root), fields.count == 3, let key = key(fields[0]),
                  case .string = fields[1], let type = result.heap.global(fields[2]),
                  let dtype = TorchGlobals.tarDType(of: type), type.name.hasSuffix("Storage")
            else { throw bad("storage record is not (key, location, torch.XStorage)", start) }
            guard records[key] == nil else { throw bad("storage key \(key) appears twice", start) }
            let countBytes = try cursor.take(8)
            let elements = countBytes.withUnsafeBytes { $0.loadLE(Int64.self, at: 0) }
            guard elements >= 0, let byteCount = CheckedArithmetic.multiply(Int(elements), dtype.byteSize),
                  byteCount <= entry.size - cursor.position
            else {
                throw bad("storage \(key) declares \(elements) elements of \(dtype.byteSize) bytes, past the entry's end",
                          cursor.position - 8)
            }
            records[key] = StorageRecord(key: key, dtype: dtype, offset: cursor.position, byteCount: byteCount)
            cursor.skip(byteCount)
            done += 1
        }
        let viewsAt = cursor.position
        let views = try cursor.pickle(unpickler)
        guard let items = views.heap.list(views.root) else { throw bad("storage views are not a list", viewsAt) }
        for item in items {
            guard let fields = views.heap.tuple(item), fields.count == 4, let target = key(fields[0]),
                  let rootKey = key(fields[1]), case .int(let offset) = fields[2], case .int(let numel) = fields[3]
            else { throw bad("storage view is not (target_key, root_key, offset, numel)", viewsAt) }
            guard let root = records[rootKey] else { throw bad("storage view \(target) names no storage \(rootKey)", viewsAt) }
            guard records[target] == nil else { throw bad("storage key \(target) appears twice", viewsAt) }
            let size = root.dtype.byteSize
            guard offset >= 0, numel >= 0, let start = CheckedArithmetic.multiply(Int(offset), size),
                  let length = CheckedArithmetic.multiply(Int(numel), size),
                  let end = CheckedArithmetic.add(start, length), end <= root.byteCount
            else { throw bad("storage view \(target) (\(offset), \(numel)) lies outside storage \(rootKey)", viewsAt) }
            records[target] = StorageRecord(key: target, dtype: root.dtype, offset: root.offset + start, byteCount: length)
        }
        guard cursor.position == entry.size else {
            throw bad("\(entry.size - cursor.position) bytes after the storage views belong to no storage", cursor.position)
        }
        return records
    }

    /// The pickles of a tar checkpoint's records, for the scan (which reads `sys_info` and `pickle` itself): each
    /// record of `tensors` and, when it is complete, of `storages`, walked by their binary layout whatever the
    /// pickles hold. Named `ENTRY#N` (the Nth pickle of the entry, from 0).
    static func recordPickles(_ archive: TarArchive, unpickler: Unpickler, limits: PickleLimits) throws
        -> [(name: String, result: PickleResult)]
    {
        var found: [(name: String, result: PickleResult)] = []
        if let entry = archive.entry("tensors") {
            var records = RecordCursor(bytes: try whole(archive, entry, limits: limits), entry: entry)
            let first = try records.pickle(unpickler)
            found.append(("tensors#0", first))
            var index = 1
            while records.position < records.bytes.count {
                found.append(("tensors#\(index)", try records.pickle(unpickler)))
                let ndim = try records.integer(Int32.self)
                guard (0...Int32(maxRank)).contains(ndim) else {
                    throw records.bad("tensor record declares \(ndim) dimensions", at: records.position - 4)
                }
                _ = try records.integer(Int32.self)
                for _ in 0..<(2 * Int(ndim) + 1) { _ = try records.integer(Int64.self) }
                index += 1
            }
        }
        if let entry = archive.entry("storages"), !entry.isTruncated {
            var cursor = WindowCursor(archive: archive, entry: entry, limit: limits.maxBytes)
            var results = [try cursor.pickle(unpickler)]
            // Storage records until the last pickle, the views: each record is a pickle, a count and the data.
            while cursor.position < entry.size {
                let result = try cursor.pickle(unpickler)
                results.append(result)
                guard cursor.position < entry.size else { break }
                let dtype = result.heap.tuple(result.root).flatMap { $0.count == 3 ? result.heap.global($0[2]) : nil }
                    .flatMap(TorchGlobals.tarDType(of:))
                guard let dtype else {
                    throw CheckpointError.tarBadRecord(
                        entry: entry.name, offset: entry.dataOffset + cursor.position,
                        reason: "storage record is not (key, location, torch.XStorage)")
                }
                let count = try cursor.take(8).withUnsafeBytes { $0.loadLE(Int64.self, at: 0) }
                guard count >= 0, let bytes = CheckedArithmetic.multiply(Int(count), dtype.byteSize),
                      bytes <= entry.size - cursor.position
                else {
                    throw CheckpointError.tarBadRecord(
                        entry: entry.name, offset: entry.dataOffset + cursor.position - 8,
                        reason: "storage declares \(count) elements, past the entry's end")
                }
                cursor.skip(bytes)
            }
            for (index, result) in results.enumerated() { found.append(("storages#\(index)", result)) }
        }
        return found
    }

    /// A tar record key: torch 0.1 used object ids, integers (strings of digits in the pickle's persistent ids).
    static func key(_ value: PickleValue) -> String? {
        switch value {
        case .int(let number): String(number)
        case .string(let text): Int64(text).map { String($0) }
        default: nil
        }
    }
}

/// Reads consecutive records (pickles and little-endian integers) from an entry held in memory.
private struct RecordCursor {
    let bytes: [UInt8]
    let entry: TarArchive.Entry
    var position = 0

    init(bytes: [UInt8], entry: TarArchive.Entry) {
        self.bytes = bytes
        self.entry = entry
    }

    func bad(_ reason: String, at offset: Int) -> CheckpointError {
        .tarBadRecord(entry: entry.name, offset: entry.dataOffset + offset, reason: reason)
    }

    mutating func pickle(_ unpickler: Unpickler) throws -> PickleResult {
        let result = try unpickler.run(bytes, from: position)
        position = result.endOffset
        return result
    }

    /// The leading count pickle, checked against the bytes that could hold that many records.
    mutating func count(_ unpickler: Unpickler) throws -> Int {
        let result = try pickle(unpickler)
        guard case .int(let count) = result.root, count >= 0, count <= Int64(bytes.count - position) else {
            throw bad("record count is not a count the entry can hold", at: 0)
        }
        return Int(count)
    }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - position >= size else { throw bad("record ends after \(bytes.count - position) bytes", at: position) }
        let value = bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
        position += size
        return value
    }

    func finish() throws {
        guard position == bytes.count else {
            throw bad("\(bytes.count - position) bytes after the last record belong to no tensor", at: position)
        }
    }
}

/// Reads consecutive pickles from a large entry by windows, never the data between them.
private struct WindowCursor {
    let archive: TarArchive
    let entry: TarArchive.Entry
    let limit: Int
    var position = 0
    static let firstWindow = 4096

    mutating func pickle(_ unpickler: Unpickler) throws -> PickleResult {
        var window = min(Self.firstWindow, entry.size - position)
        while true {
            let bytes = try archive.read(entry, offset: position, count: window)
            let outcome: Result<PickleResult, PickleError>
            do { outcome = .success(try unpickler.run(bytes)) } catch { outcome = .failure(error) }
            switch outcome {
            case .success(let result):
                position += result.endOffset
                return result
            case .failure(let error) where window < entry.size - position && TorchLegacyReader.isCutOff(error):
                guard window < limit else { throw PickleError.pickleTooLarge(limit: limit, offset: entry.dataOffset + position) }
                window = min(entry.size - position, window * 4, limit)
            case .failure(let error):
                throw CheckpointError.tarBadRecord(
                    entry: entry.name, offset: entry.dataOffset + position,
                    reason: "pickle: \(error.description) (offset within the pickle)")
            }
        }
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard entry.size - position >= count else {
            throw CheckpointError.tarBadRecord(
                entry: entry.name, offset: entry.dataOffset + position, reason: "record ends after \(entry.size - position) bytes")
        }
        let bytes = try archive.read(entry, offset: position, count: count)
        position += count
        return bytes
    }

    mutating func skip(_ count: Int) { position += count }
}
