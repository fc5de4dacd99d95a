import RNXTensor

/// The index of a POSIX tar file (ustar, with PAX extended headers), read by random access: only the 512-byte
/// headers are read, every entry's data is read later by offset.
///
/// rnx keeps this reader small and fuzzed rather than using libarchive: libarchive reads an archive as a stream,
/// from the first header to the last, so reading the 8 KB `tensors` entry of a 100 MB checkpoint would pass over
/// (or, compressed, decode) everything before it, and reading one storage means streaming the file again. torch's
/// tar checkpoints use a tiny, fixed subset of tar (regular files with PAX `mtime` records), which a few hundred lines
/// check completely: every header's checksum, magic and numeric fields, every PAX record, every name, and every
/// entry's extent against the file's length.
struct TarArchive {
    /// One regular file of the archive.
    struct Entry: Equatable, Sendable {
        let name: String
        /// Where the entry's (first) header starts: its PAX header if it has one.
        let headerOffset: Int
        let dataOffset: Int
        /// The size the header declares.
        let size: Int
        /// How many of those bytes the file holds (less than `size` only for the last entry of a truncated file).
        let available: Int

        var isTruncated: Bool { available < size }
    }

    static let blockSize = 512
    /// Most bytes of PAX records rnx reads for one entry (torch's are one `mtime` record of about 30 bytes).
    static let maxPAXBytes = 64 << 10

    let file: RandomAccessFile
    let entries: [Entry]

    /// Indexes the archive. Each header must carry the ustar magic and a correct checksum; only regular files and
    /// PAX headers may appear; names must be single path components. The walk ends at a zero block or at the end
    /// of the file; an entry running past the end is kept as truncated and ends the walk.
    init(file: RandomAccessFile) throws {
        self.file = file
        var entries: [Entry] = []
        var position = 0
        var pending: (offset: Int, records: [String: String])?
        while position < file.size {
            guard file.size - position >= Self.blockSize else {
                throw CheckpointError.tarBadHeader(offset: position, reason: "the file ends inside a 512-byte header")
            }
            let header = try file.read(offset: position, count: Self.blockSize)
            if header.allSatisfy({ $0 == 0 }) {
                guard pending == nil else {
                    throw CheckpointError.tarBadHeader(offset: position, reason: "a PAX header is followed by no entry")
                }
                break  // end-of-archive marker; writers pad after it with more zero blocks
            }
            try Self.checkHeader(header, at: position)
            let type = header[156]
            var size = try Self.number(header, 124, 12, at: position, field: "size")
            if let records = pending?.records, let text = records["size"] {
                guard let value = Int(text), value >= 0, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw CheckpointError.tarBadHeader(offset: position, reason: "PAX size '\(text)' is not a byte count")
                }
                size = value
            }
            let dataOffset = position + Self.blockSize
            guard let padded = CheckedArithmetic.add(size, Self.blockSize - 1).map({ $0 / Self.blockSize * Self.blockSize }),
                  let next = CheckedArithmetic.add(dataOffset, padded)
            else { throw CheckpointError.tarBadHeader(offset: position, reason: "entry size \(size) overflows") }
            let available = min(size, max(0, file.size - dataOffset))

            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                guard pending == nil || type == UInt8(ascii: "g") else {
                    throw CheckpointError.tarBadHeader(offset: position, reason: "two PAX headers for one entry")
                }
                guard size <= Self.maxPAXBytes else {
                    throw CheckpointError.tarBadHeader(
                        offset: position, reason: "PAX header of \(size) bytes is over the limit of \(Self.maxPAXBytes)")
                }
                guard available == size else {
                    throw CheckpointError.tarTruncatedEntry(
                        name: "PAX header", offset: dataOffset, size: size, available: available)
                }
                let records = try Self.paxRecords(try file.read(offset: dataOffset, count: size), at: dataOffset)
                // A global header ('g') applies to every later entry; torch never writes one, and rnx needs none of
                // its keys, so it is checked and then ignored.
                if type == UInt8(ascii: "x") { pending = (position, records) }
            case UInt8(ascii: "0"), 0:
                let name = try pending?.records["path"] ?? Self.headerName(header, at: position)
                try Self.checkName(name)
                guard !entries.contains(where: { $0.name == name }) else { throw CheckpointError.tarDuplicateEntry(name) }
                entries.append(Entry(name: name, headerOffset: pending?.offset ?? position, dataOffset: dataOffset,
                                     size: size, available: available))
                pending = nil
            default:
                let name = (try? Self.headerName(header, at: position)) ?? "?"
                throw CheckpointError.tarUnsupportedEntry(name: name, type: Self.typeDescription(type), offset: position)
            }
            if available < size { break }  // a truncated entry is the last: nothing after it is in the file
            position = next
        }
        guard pending == nil else {
            throw CheckpointError.tarBadHeader(offset: pending?.offset ?? 0, reason: "a PAX header is followed by no entry")
        }
        self.entries = entries
    }

    func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// `count` bytes of `entry` from `offset` within it; refuses to read past what the header declares or the file holds.
    func read(_ entry: Entry, offset: Int = 0, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, let end = CheckedArithmetic.add(offset, count), end <= entry.size else {
            throw CheckpointError.tarBadRecord(
                entry: entry.name, offset: entry.dataOffset + max(0, offset),
                reason: "\(count) bytes at \(offset) lie past the entry's end (\(entry.size) bytes)")
        }
        guard end <= entry.available else {
            throw CheckpointError.tarTruncatedEntry(
                name: entry.name, offset: entry.dataOffset, size: entry.size, available: entry.available)
        }
        return try file.read(offset: entry.dataOffset + offset, count: count)
    }

    // MARK: header fields

    /// Magic and checksum. The checksum is the sum of the header's bytes with its own field read as spaces;
    /// POSIX sums unsigned bytes, some old writers summed signed ones, and both are accepted.
    private static func checkHeader(_ header: [UInt8], at offset: Int) throws {
        let magic = Array(header[257..<263])
        let ustar: [UInt8] = Array("ustar".utf8) + [0]
        let gnu: [UInt8] = Array("ustar ".utf8)
        guard magic == ustar || magic == gnu else {
            throw CheckpointError.tarBadHeader(offset: offset, reason: "no ustar magic")
        }
        let recorded = try number(header, 148, 8, at: offset, field: "checksum")
        var unsigned = 0
        var signed = 0
        for (index, byte) in header.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        guard recorded == unsigned || recorded == signed else {
            throw CheckpointError.tarBadHeader(
                offset: offset, reason: "checksum \(recorded) does not match the header's \(unsigned)")
        }
    }

    /// A numeric field: octal digits, optionally space-padded and NUL- or space-terminated, or GNU's base-256
    /// (high bit set; a negative value is refused).
    static func number(_ header: [UInt8], _ start: Int, _ length: Int, at offset: Int, field: String) throws -> Int {
        let bytes = header[start..<start + length]
        let bad = CheckpointError.tarBadHeader(offset: offset, reason: "\(field) field is not a number")
        if let first = bytes.first, first & 0x80 != 0 {
            guard first == 0x80 else { throw bad }  // 0xFF starts a negative number
            var value = 0
            for byte in bytes.dropFirst() {
                guard value <= (Int.max >> 8) else { throw bad }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var digits = 0
        var ended = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended, value <= (Int.max >> 3) else { throw bad }
                value = value << 3 | Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: " ") where digits == 0 && !ended: continue
            case 0, UInt8(ascii: " "): ended = true
            default: throw bad
            }
        }
        guard digits > 0 else { throw bad }
        return value
    }

    /// The ustar name: `prefix/name` when the prefix field is set.
    private static func headerName(_ header: [UInt8], at offset: Int) throws -> String {
        func field(_ start: Int, _ length: Int) -> [UInt8] {
            Array(header[start..<start + length].prefix { $0 != 0 })
        }
        let name = field(0, 100)
        let prefix = field(345, 155)
        let bytes = prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CheckpointError.tarBadHeader(offset: offset, reason: "entry name is not UTF-8")
        }
        return text
    }

    /// torch's entries are flat names; anything with a path separator, a NUL, or `.`/`..` could name another file.
    private static func checkName(_ name: String) throws {
        guard !name.isEmpty, name != ".", name != "..",
              !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 })
        else { throw CheckpointError.tarUnsafeName(name) }
    }

    /// PAX records: `LENGTH KEY=VALUE\n`, the length counting the whole record in bytes.
    static func paxRecords(_ bytes: [UInt8], at offset: Int) throws -> [String: String] {
        var records: [String: String] = [:]
        var position = 0
        while position < bytes.count {
            let bad = { (reason: String) in CheckpointError.tarBadHeader(offset: offset + position, reason: "PAX record \(reason)") }
            guard let space = bytes[position...].prefix(20).firstIndex(of: UInt8(ascii: " ")), space > position,
                  let length = Int(String(decoding: bytes[position..<space], as: UTF8.self)),
                  bytes[position..<space].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  length > space - position + 1, length <= bytes.count - position
            else { throw bad("has no valid length") }
            let end = position + length
            guard bytes[end - 1] == UInt8(ascii: "\n") else { throw bad("does not end in a newline") }
            let body = bytes[(space + 1)..<(end - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")), equals > body.startIndex,
                  let key = String(validating: body[..<equals], as: UTF8.self),
                  let value = String(validating: body[(equals + 1)...], as: UTF8.self)
            else { throw bad("is not KEY=VALUE in UTF-8") }
            guard records[key] == nil else { throw bad("repeats the key '\(key)'") }
            records[key] = value
            position = end
        }
        return records
    }

    private static func typeDescription(_ type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "1"): "a hard link"
        case UInt8(ascii: "2"): "a symbolic link"
        case UInt8(ascii: "3"), UInt8(ascii: "4"): "a device"
        case UInt8(ascii: "5"): "a directory"
        case UInt8(ascii: "6"): "a FIFO"
        case UInt8(ascii: "L"), UInt8(ascii: "K"): "a GNU long name"
        default: (0x20..<0x7F).contains(type) ? "type '\(Character(Unicode.Scalar(type)))'" : "type \(type)"
        }
    }
}
