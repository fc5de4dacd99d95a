import CLibzip
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RNXTensor

/// Writes a state dict as the zip archive `torch.save` writes today, through libzip, one tensor in memory at a time.
///
/// The records, all stored (not deflated) under one folder named after the output file, in torch's order:
/// `data.pkl` (see `TorchPickleWriter`), `.format_version` (`1`), `.storage_alignment` (`64`), `byteorder`
/// (`little`), `data/0` ... `data/<n-1>` (one storage per tensor, in state-dict order), `version` (`3`),
/// `.data/serialization_id`, then any extra records of the caller (torch reads only the records the pickle names).
/// Like torch's writer, every local header carries an `FB` extra field of `Z` padding so each record's data starts
/// at a multiple of 64 bytes (torch's `mmap=True` load relies on it); the layout is checked after writing.
///
/// libzip pulls the data when the archive is closed: each record is a `zip_source_function` that produces its bytes
/// when libzip opens it and drops them when libzip closes it, and the archive itself is written through a source over
/// the caller's file, so no temporary file of libzip's own is made. libzip computes every CRC-32.
public enum TorchZipWriter {
    /// A record whose bytes are made only when libzip reaches it; `size` must be known up front.
    public struct Record {
        /// The name inside the archive folder, e.g. `rnx/metadata.json`.
        public var name: String
        /// The record's exact size in bytes; libzip writes the header before asking for the bytes.
        public var size: Int
        /// Makes the record's bytes, called once when libzip reaches the record; must return exactly ``size`` bytes.
        public var bytes: () throws -> [UInt8]

        /// A record `name` of `size` bytes made by `bytes`.
        public init(name: String, size: Int, bytes: @escaping () throws -> [UInt8]) {
            self.name = name
            self.size = size
            self.bytes = bytes
        }
    }

    /// Record data starts at a multiple of this many bytes, like torch's (`kFieldAlignment`).
    public static let alignment = 64
    /// The extra-field id torch pads with (`"FB"` little-endian).
    static let paddingFieldID: UInt16 = 0x4246
    /// The serialization version torch writes in `version`.
    public static let serializationVersion = "3\n"

    /// The archive folder torch uses for a file: its base name without the last extension (`r18.pth` → `r18`).
    /// A name that would not make one safe folder component becomes `archive`.
    public static func folderName(forFile path: String) -> String {
        var base = Substring(path)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        let name = String(base)
        return ZipArchive.isSafe(name) && !name.contains("/") ? name : "archive"
    }

    /// The records of a state dict archive, before `extra`: the pickle, torch's text records and one record per
    /// tensor, whose bytes come from `tensor(index)` (it must match `descriptors[index]`).
    public static func stateDictRecords(
        descriptors: [TensorDescriptor], tensor: @escaping (Int) throws -> Tensor,
        serializationID: @escaping () -> String
    ) throws -> [Record] {
        var names = Set<String>()
        for descriptor in descriptors where !names.insert(descriptor.name).inserted {
            throw CheckpointError.writeFailed(reason: "tensor name '\(descriptor.name)' appears twice")
        }
        let entries = descriptors.enumerated().map { index, descriptor in
            TorchPickleWriter.Entry(
                name: descriptor.name, dtype: descriptor.dtype, shape: descriptor.shape, storageKey: String(index))
        }
        let pickle = try TorchPickleWriter.pickle(entries)
        var records = [
            Record(name: "data.pkl", size: pickle.count) { pickle },
            text(".format_version", "1"),
            text(".storage_alignment", String(alignment)),
            text("byteorder", "little"),
        ]
        for (index, descriptor) in descriptors.enumerated() {
            records.append(Record(name: "data/\(index)", size: descriptor.byteCount) {
                let value = try tensor(index)
                guard value.dtype == descriptor.dtype, value.shape == descriptor.shape else {
                    throw CheckpointError.writeFailed(
                        reason: "tensor '\(descriptor.name)' is \(value.dtype.shortName) \(value.shape.shapeDescription), "
                            + "the pickle says \(descriptor.dtype.shortName) \(descriptor.shape.shapeDescription)")
                }
                return value.bytes
            })
        }
        records.append(text("version", serializationVersion))
        records.append(Record(name: ".data/serialization_id", size: 40) {
            let id = Array(serializationID().utf8)
            guard id.count == 40 else { throw CheckpointError.writeFailed(reason: "serialization id is not 40 characters") }
            return id
        })
        return records
    }

    private static func text(_ name: String, _ value: String) -> Record {
        let bytes = Array(value.utf8)
        return Record(name: name, size: bytes.count) { bytes }
    }

    /// Creates `path` (which must not exist), writes `records` under `folder`, checks the layout, syncs and closes.
    ///
    /// - Returns: the size of the file.
    /// - Throws: `CheckpointError.cannotCreate` if the file cannot be made, the first error a record's `bytes`
    ///   threw, or `CheckpointError.writeFailed`.
    @discardableResult
    public static func write(path: String, folder: String, records: [Record]) throws -> Int {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.cannotCreate(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try write(descriptor: fd, folder: folder, records: records)
    }

    /// Writes `records` under `folder` into `descriptor` (an empty file open for reading and writing, such as an
    /// `OutputFile`'s), checks the layout and syncs; the caller closes or commits it.
    ///
    /// - Returns: the size of the file.
    @discardableResult
    public static func write(descriptor fd: Int32, folder: String, records: [Record]) throws -> Int {
        let output = OutputSink(descriptor: fd)
        let layout = try plan(folder: folder, records: records)
        try archive(output: output, folder: folder, records: records, layout: layout)
        try check(layout, descriptor: fd)
        guard fsync(fd) == 0 else { throw CheckpointError.writeFailed(reason: String(cString: strerror(errno))) }
        return output.end
    }

    /// Where each record's local header goes and how much padding puts its data on the alignment.
    struct Placement {
        var headerOffset: Int
        var nameLength: Int
        /// The whole extra field: the `FB` header and its padding.
        var extraLength: Int
        var size: Int
        var dataOffset: Int { headerOffset + 30 + nameLength + extraLength + (size > Int(UInt32.max) ? 20 : 0) }
    }

    /// libzip writes each local header as 30 bytes, the name and the extra fields (plus a zip64 field for records
    /// over 4 GiB), records back to back from offset 0: so every offset is known before anything is written.
    static func plan(folder: String, records: [Record]) throws -> [Placement] {
        var placements: [Placement] = []
        var offset = 0
        for record in records {
            let nameLength = Array((folder + "/" + record.name).utf8).count
            guard nameLength < 0xFFFF else { throw CheckpointError.writeFailed(reason: "record name '\(record.name)' is too long") }
            var placement = Placement(headerOffset: offset, nameLength: nameLength, extraLength: 4, size: record.size)
            placement.extraLength += (alignment - placement.dataOffset % alignment) % alignment
            placements.append(placement)
            guard let next = CheckedArithmetic.add(placement.dataOffset, record.size) else {
                throw CheckpointError.writeFailed(reason: "the archive would be larger than \(Int.max) bytes")
            }
            offset = next
        }
        return placements
    }

    /// Reads each local header back and checks that the data sits where the plan put it.
    static func check(_ layout: [Placement], descriptor: Int32) throws {
        for placement in layout {
            var header = [UInt8](repeating: 0, count: 30)
            let got = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 30, off_t(placement.headerOffset)) }
            let nameLength = got == 30 ? Int(header[26]) | Int(header[27]) << 8 : -1
            let extraLength = got == 30 ? Int(header[28]) | Int(header[29]) << 8 : -1
            let dataOffset = placement.headerOffset + 30 + nameLength + extraLength
            guard got == 30, header[0..<4].elementsEqual([0x50, 0x4B, 0x03, 0x04]), nameLength == placement.nameLength,
                  dataOffset == placement.dataOffset, dataOffset % alignment == 0
            else {
                throw CheckpointError.writeFailed(
                    reason: "libzip did not lay the record at \(placement.headerOffset) out as planned (data at "
                        + "\(dataOffset), not \(placement.dataOffset))")
            }
        }
    }

    private static func archive(output: OutputSink, folder: String, records: [Record], layout: [Placement]) throws {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        let context = Unmanaged.passRetained(output)
        guard let source = zip_source_function_create(outputCallback, context.toOpaque(), &error) else {
            context.release()
            throw CheckpointError.writeFailed(reason: String(cString: zip_error_strerror(&error)))
        }
        guard let archive = zip_open_from_source(source, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            zip_source_free(source)
            throw CheckpointError.writeFailed(reason: String(cString: zip_error_strerror(&error)))
        }
        var closed = false
        defer { if !closed { zip_discard(archive) } }
        let failure = FailureBox()
        for (record, placement) in zip(records, layout) {
            let entry = Unmanaged.passRetained(EntrySource(record: record, failure: failure))
            guard let data = zip_source_function(archive, entryCallback, entry.toOpaque()) else {
                entry.release()
                throw libzipError(archive)
            }
            let index = zip_file_add(archive, folder + "/" + record.name, data, zip_flags_t(ZIP_FL_ENC_UTF_8))
            guard index >= 0 else {
                zip_source_free(data)
                throw libzipError(archive)
            }
            var padding: [UInt8] = Array(repeating: UInt8(ascii: "Z"), count: placement.extraLength - 4)
            let flags = zip_flags_t(ZIP_FL_LOCAL)
            guard zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_STORE, 0) == 0,
                  zip_file_extra_field_set(
                      archive, zip_uint64_t(index), paddingFieldID, 0xFFFF /* ZIP_EXTRA_FIELD_NEW */, &padding,
                      zip_uint16_t(padding.count), flags) == 0,
                  // 1980-01-01 00:00, so the same input gives the same bytes.
                  zip_file_set_dostime(archive, zip_uint64_t(index), 0, (1 << 5) | 1, 0) == 0
            else { throw libzipError(archive) }
        }
        let status = zip_close(archive)
        if status != 0 {
            if let first = failure.error { throw first }
            if let first = output.failure { throw first }
            throw libzipError(archive)
        }
        closed = true
        try output.flush()
    }

    private static func libzipError(_ archive: OpaquePointer) -> CheckpointError {
        .writeFailed(reason: String(cString: zip_strerror(archive)))
    }
}

/// The first error a record's producer threw, so `write` reports it rather than libzip's generic failure.
private final class FailureBox {
    var error: Error?
}

/// One record's data as a libzip source: bytes made on open, served on read, dropped on close.
private final class EntrySource {
    let record: TorchZipWriter.Record
    let failure: FailureBox
    var bytes: [UInt8] = []
    var position = 0
    var error = zip_error_t()

    init(record: TorchZipWriter.Record, failure: FailureBox) {
        self.record = record
        self.failure = failure
        zip_error_init(&error)
    }

    deinit { zip_error_fini(&error) }
}

/// The output file as a libzip write source: buffered writes at a position libzip may seek back from.
private final class OutputSink {
    let descriptor: Int32
    /// Where the next byte libzip writes goes.
    var position = 0
    /// One past the last byte written (or buffered).
    var end = 0
    /// Bytes not yet written, starting at `bufferStart`.
    var buffer: [UInt8] = []
    var bufferStart = 0
    var error = zip_error_t()
    var failure: CheckpointError?
    var writeback: Writeback
    static let bufferSize = 1 << 20

    init(descriptor: Int32) {
        self.descriptor = descriptor
        self.writeback = Writeback(descriptor: descriptor)
        zip_error_init(&error)
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { zip_error_fini(&error) }

    func flush() throws {
        do {
            try writeFully(descriptor, buffer, at: bufferStart)
        } catch {
            self.failure = error as? CheckpointError
            throw error
        }
        bufferStart += buffer.count
        buffer.removeAll(keepingCapacity: true)
        writeback.written(upTo: bufferStart)
    }

    func write(_ data: UnsafeRawBufferPointer) throws {
        if position != bufferStart + buffer.count {
            try flush()
            bufferStart = position
        }
        buffer.append(contentsOf: data)
        position += data.count
        end = max(end, position)
        if buffer.count >= Self.bufferSize { try flush() }
    }
}

private func commands(_ list: [zip_source_cmd_t]) -> zip_int64_t {
    list.reduce(0) { $0 | (zip_int64_t(1) << zip_int64_t($1.rawValue)) }
}

private let entryCallback: zip_source_callback = { state, data, length, command in
    guard let state else { return -1 }
    let source = Unmanaged<EntrySource>.fromOpaque(state).takeUnretainedValue()
    switch command {
    case ZIP_SOURCE_SUPPORTS:
        return commands([ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
                         ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS])
    case ZIP_SOURCE_STAT:
        guard let data, length >= MemoryLayout<zip_stat_t>.size else {
            zip_error_set(&source.error, ZIP_ER_INTERNAL, 0)
            return -1
        }
        let stat = data.assumingMemoryBound(to: zip_stat_t.self)
        zip_stat_init(stat)
        stat.pointee.valid = zip_uint64_t(ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD)
        stat.pointee.size = zip_uint64_t(source.record.size)
        stat.pointee.comp_size = zip_uint64_t(source.record.size)
        stat.pointee.comp_method = zip_uint16_t(ZIP_CM_STORE)
        return zip_int64_t(MemoryLayout<zip_stat_t>.size)
    case ZIP_SOURCE_OPEN:
        do {
            let bytes = try source.record.bytes()
            guard bytes.count == source.record.size else {
                throw CheckpointError.writeFailed(
                    reason: "record '\(source.record.name)' has \(bytes.count) bytes, not \(source.record.size)")
            }
            source.bytes = bytes
            source.position = 0
            return 0
        } catch {
            if source.failure.error == nil { source.failure.error = error }
            zip_error_set(&source.error, ZIP_ER_READ, EIO)
            return -1
        }
    case ZIP_SOURCE_READ:
        guard let data else { return 0 }
        let count = min(Int(length), source.bytes.count - source.position)
        if count > 0 {
            source.bytes.withUnsafeBytes { data.copyMemory(from: $0.baseAddress! + source.position, byteCount: count) }
            source.position += count
        }
        return zip_int64_t(count)
    case ZIP_SOURCE_CLOSE:
        source.bytes = []
        return 0
    case ZIP_SOURCE_ERROR:
        guard let data else { return -1 }
        return zip_error_to_data(&source.error, data, length)
    case ZIP_SOURCE_FREE:
        Unmanaged<EntrySource>.fromOpaque(state).release()
        return 0
    default:
        zip_error_set(&source.error, ZIP_ER_OPNOTSUPP, 0)
        return -1
    }
}

private let outputCallback: zip_source_callback = { state, data, length, command in
    guard let state else { return -1 }
    let sink = Unmanaged<OutputSink>.fromOpaque(state).takeUnretainedValue()
    switch command {
    case ZIP_SOURCE_SUPPORTS:
        return commands([
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
            ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_COMMIT_WRITE,
            ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE,
            ZIP_SOURCE_REMOVE,
        ])
    case ZIP_SOURCE_STAT:
        // The archive is new: libzip asks whether it exists, and "no such file" makes it start an empty one.
        zip_error_set(&sink.error, ZIP_ER_READ, ENOENT)
        return -1
    case ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_REMOVE, ZIP_SOURCE_OPEN, ZIP_SOURCE_CLOSE:
        return 0
    case ZIP_SOURCE_COMMIT_WRITE:
        do {
            try sink.flush()
            return 0
        } catch {
            zip_error_set(&sink.error, ZIP_ER_WRITE, EIO)
            return -1
        }
    case ZIP_SOURCE_WRITE:
        guard let data else { return 0 }
        do {
            try sink.write(UnsafeRawBufferPointer(start: data, count: Int(length)))
            return zip_int64_t(length)
        } catch {
            zip_error_set(&sink.error, ZIP_ER_WRITE, EIO)
            return -1
        }
    case ZIP_SOURCE_TELL_WRITE:
        return zip_int64_t(sink.position)
    case ZIP_SOURCE_SEEK_WRITE:
        guard let data else { return -1 }
        let target = zip_source_seek_compute_offset(
            zip_uint64_t(sink.position), zip_uint64_t(sink.end), data, length, &sink.error)
        guard target >= 0 else { return -1 }
        sink.position = Int(target)
        return 0
    case ZIP_SOURCE_READ:
        return 0
    case ZIP_SOURCE_ERROR:
        guard let data else { return -1 }
        return zip_error_to_data(&sink.error, data, length)
    case ZIP_SOURCE_FREE:
        Unmanaged<OutputSink>.fromOpaque(state).release()
        return 0
    default:
        zip_error_set(&sink.error, ZIP_ER_OPNOTSUPP, 0)
        return -1
    }
}
