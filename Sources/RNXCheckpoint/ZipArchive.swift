import CLibisal
import CLibzip
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RNXTensor

/// A zip archive opened read-only through libzip, with every entry name checked before anything is read.
///
/// libzip parses the directory (including zip64) and checks local against central headers (`ZIP_CHECKCONS`).
/// Every entry's CRC-32 is verified when it is read: by libzip for deflated and small entries, and by rnx with
/// ISA-L's carry-less-multiply CRC (about fifteen times zlib's here) for stored entries of 64 KiB and more, which
/// hold nearly all of a checkpoint's tensor bytes.
/// libzip handles are not thread-safe, so reads are serialized by a lock.
final class ZipArchive: @unchecked Sendable {
    /// One entry of the central directory.
    struct Entry: Sendable {
        let index: UInt64
        let name: String
        /// Uncompressed size as the directory declares it.
        let size: Int
        /// Size of the stored (possibly deflated) data.
        let compressedSize: Int
        /// The CRC-32 the directory declares for the uncompressed data.
        let crc: UInt32
        /// Whether the data is stored as is (no compression, no encryption), so it can be read as a byte range.
        let isStored: Bool
    }

    /// deflate cannot expand data more than about 1032:1, so a larger declared size is a lie or a bomb.
    static let maxInflationRatio = 1032

    let entries: [Entry]
    /// How many bytes of a stored record are read before they are CRC-checked.
    let readChunk: Int
    private let handle: OpaquePointer
    private let lock = NSLock()

    /// Opens `path` and validates the names of all entries (no `..`, absolute paths, backslashes or duplicates).
    /// `readChunk` is for tests, which use small chunks to check the CRC across chunk boundaries.
    init(path: String, readChunk: Int = defaultReadChunk) throws {
        precondition(readChunk > 0)
        self.readChunk = readChunk
        var code: Int32 = 0
        guard let handle = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            let reason = Self.message(code: code)
            switch code {
            case ZIP_ER_NOENT, ZIP_ER_OPEN: throw CheckpointError.cannotOpen(reason: reason)
            case ZIP_ER_READ, ZIP_ER_SEEK: throw CheckpointError.readFailed(reason: reason)
            case ZIP_ER_EXISTS:
                // libzip refuses duplicate names itself, before rnx sees the entries.
                throw CheckpointError.corruptZip(entry: nil, reason: "two entries have the same name")
            default: throw CheckpointError.corruptZip(entry: nil, reason: reason)
            }
        }
        self.handle = handle
        var entries: [Entry] = []
        var seen = Set<String>()
        let count = zip_get_num_entries(handle, 0)
        if count < 0 {
            zip_discard(handle)
            throw CheckpointError.corruptZip(entry: nil, reason: "cannot count entries")
        }
        for index in 0..<UInt64(count) {
            var info = zip_stat_t()
            zip_stat_init(&info)
            guard zip_stat_index(handle, index, zip_flags_t(ZIP_FL_ENC_RAW), &info) == 0, let cName = info.name,
                  info.valid & UInt64(ZIP_STAT_SIZE) != 0, info.valid & UInt64(ZIP_STAT_COMP_SIZE) != 0,
                  info.valid & UInt64(ZIP_STAT_CRC) != 0, info.valid & UInt64(ZIP_STAT_COMP_METHOD) != 0,
                  info.valid & UInt64(ZIP_STAT_ENCRYPTION_METHOD) != 0,
                  info.size <= UInt64(Int.max), info.comp_size <= UInt64(Int.max)
            else {
                let reason = String(cString: zip_strerror(handle))
                zip_discard(handle)
                throw CheckpointError.corruptZip(entry: nil, reason: "entry \(index): \(reason)")
            }
            let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cName).assumingMemoryBound(to: UInt8.self),
                                                count: strlen(cName)))
            let name = String(decoding: raw, as: UTF8.self)
            guard Self.isSafe(name), String(validating: raw, as: UTF8.self) != nil else {
                zip_discard(handle)
                throw CheckpointError.unsafeEntryName(name)
            }
            guard seen.insert(name).inserted else {
                zip_discard(handle)
                throw CheckpointError.corruptZip(entry: nil, reason: "two entries have the same name")
            }
            let isStored = info.comp_method == Int32(ZIP_CM_STORE) && info.encryption_method == UInt16(ZIP_EM_NONE)
            entries.append(Entry(index: index, name: name, size: Int(info.size), compressedSize: Int(info.comp_size),
                                 crc: info.crc, isStored: isStored))
        }
        self.entries = entries
    }

    deinit { zip_discard(handle) }

    /// Whether an entry name stays inside the extraction folder: relative, no `..`, no backslash, no empty part.
    static func isSafe(_ name: String) -> Bool {
        // On the UTF-8 bytes: every character tested is ASCII, and String's own searches cost a millisecond over the
        // 932 entries of a resnet152 checkpoint.
        var utf8 = Array(name.utf8)
        if utf8.isEmpty || utf8[0] == UInt8(ascii: "/") || utf8.contains(UInt8(ascii: "\\")) || utf8.contains(0) {
            return false
        }
        if utf8.last == UInt8(ascii: "/") { utf8.removeLast() }  // a directory entry
        return !utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).contains {
            $0.isEmpty || $0.elementsEqual([UInt8(ascii: ".")]) || $0.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")])
        }
    }

    /// Reads a whole entry, which must hold exactly its declared size, and checks its CRC-32.
    func read(_ entry: Entry) throws -> [UInt8] {
        // Allocate only what the file's bytes can back: a 1 KB entry cannot claim gigabytes.
        let backed = CheckedArithmetic.multiply(entry.compressedSize, Self.maxInflationRatio) ?? Int.max
        guard entry.size <= max(backed, 1024) else {
            throw CheckpointError.corruptZip(
                entry: entry.name,
                reason: "declares \(entry.size) bytes, more than its \(entry.compressedSize) compressed bytes can hold")
        }
        lock.lock()
        defer { lock.unlock() }
        // Small records (BatchNorm vectors, text records, the pickle) go through libzip: zlib's CRC costs little
        // there, and the ranged read below opens the record twice.
        if entry.isStored && entry.size >= Self.rangedReadThreshold {
            return try readStored(entry)
        }
        return try readThroughLibzip(entry)
    }

    /// Stored records from this size on are read as ranges and CRC-checked by rnx.
    static let rangedReadThreshold = 64 << 10

    /// Stored records are read and CRC-checked this much at a time by default, so the CRC reads bytes still in the
    /// core's cache.
    static let defaultReadChunk = 256 << 10

    /// Reads a stored entry as raw byte ranges and checks its CRC-32 with ISA-L as it goes.
    ///
    /// libzip checks the CRC only of an entry read whole, with zlib's slower crc32; a range shorter than the entry
    /// is read as is. So the entry is read as two ranges, `[0, 1)` and `[1, size)`, and its CRC computed here, one
    /// chunk at a time right after each chunk is read.
    private func readStored(_ entry: Entry) throws -> [UInt8] {
        let size = entry.size
        // Stored data is its own uncompressed form: sizes that differ mean the directory lies about the data.
        guard entry.compressedSize == size else {
            throw CheckpointError.corruptZip(
                entry: entry.name,
                reason: "stored entry declares \(size) bytes but holds \(entry.compressedSize)")
        }
        var crc: UInt32 = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let checksum: (UnsafeMutablePointer<UInt8>, Int) -> Void = { chunk, count in
                crc = crc32_gzip_refl(crc, chunk, UInt64(count))
            }
            try readRange(of: entry, start: 0, count: 1, into: base, chunk: checksum)
            try readRange(of: entry, start: 1, count: size - 1, into: base + 1, chunk: checksum)
            initialized = size
        }
        guard crc == entry.crc else { throw CheckpointError.crcMismatch(entry: entry.name) }
        return bytes
    }

    /// Reads `count` bytes of a stored entry from `start` into `destination`: exactly that many, or an error.
    /// `chunk` sees each `readChunk` bytes (fewer at the end) in order, as soon as they are read.
    private func readRange(
        of entry: Entry, start: Int, count: Int, into destination: UnsafeMutablePointer<UInt8>,
        chunk: (UnsafeMutablePointer<UInt8>, Int) -> Void
    ) throws {
        guard let source = zip_source_zip(handle, handle, entry.index, 0, zip_uint64_t(start), zip_int64_t(count)) else {
            throw CheckpointError.corruptZip(entry: entry.name, reason: String(cString: zip_strerror(handle)))
        }
        defer { zip_source_free(source) }
        guard zip_source_open(source) == 0 else { throw sourceError(source, entry: entry) }
        defer { zip_source_close(source) }
        var done = 0
        while done < count {
            let want = min(readChunk, count - done)
            var got = 0
            while got < want {
                let n = zip_source_read(source, destination + done + got, zip_uint64_t(want - got))
                if n < 0 { throw sourceError(source, entry: entry) }
                if n == 0 {
                    throw CheckpointError.corruptZip(
                        entry: entry.name, reason: "data ends after \(start + done + got) of \(entry.size) bytes")
                }
                got += Int(n)
            }
            chunk(destination + done, want)
            done += want
        }
    }

    /// Reads an entry through `zip_fopen_index`, which inflates deflated data and makes libzip check the CRC-32.
    private func readThroughLibzip(_ entry: Entry) throws -> [UInt8] {
        guard let file = zip_fopen_index(handle, entry.index, 0) else {
            throw CheckpointError.corruptZip(entry: entry.name, reason: String(cString: zip_strerror(handle)))
        }
        defer { zip_fclose(file) }
        let size = entry.size
        let bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            var done = 0
            while done < size {
                let n = zip_fread(file, base + done, zip_uint64_t(size - done))
                if n < 0 { throw error(of: file, entry: entry) }
                if n == 0 {
                    throw CheckpointError.corruptZip(entry: entry.name, reason: "data ends after \(done) of \(size) bytes")
                }
                done += Int(n)
            }
            initialized = size
        }
        // Reading past the end makes libzip compare the CRC, and proves the entry holds no more than declared.
        var extra: UInt8 = 0
        let n = zip_fread(file, &extra, 1)
        if n < 0 { throw error(of: file, entry: entry) }
        if n > 0 { throw CheckpointError.corruptZip(entry: entry.name, reason: "data is longer than its declared \(size) bytes") }
        return bytes
    }

    private func sourceError(_ source: OpaquePointer, entry: Entry) -> CheckpointError {
        error(zip_source_error(source), entry: entry)
    }

    private func error(of file: OpaquePointer, entry: Entry) -> CheckpointError {
        error(zip_file_get_error(file), entry: entry)
    }

    private func error(_ zipError: UnsafeMutablePointer<zip_error_t>?, entry: Entry) -> CheckpointError {
        let code = zip_error_code_zip(zipError)
        if code == ZIP_ER_CRC { return .crcMismatch(entry: entry.name) }
        let reason = String(cString: zip_error_strerror(zipError))
        if code == ZIP_ER_READ { return .readFailed(reason: "\(entry.name): \(reason)") }
        return .corruptZip(entry: entry.name, reason: reason)
    }

    private static func message(code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return String(cString: zip_error_strerror(&error))
    }
}
