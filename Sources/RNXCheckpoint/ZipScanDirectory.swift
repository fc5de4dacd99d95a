import RNXTensor

/// Every record of a zip archive as the central directory and as the local headers describe it, for the scan.
///
/// `ZipArchive` (libzip) reads what the central directory points at and refuses an archive whose local headers
/// disagree with it; that is right for loading, but a scanner must see what any reader could read: Python's
/// `zipfile` and torch follow the central directory, streaming readers follow the local headers. So this reader
/// finds the end record from the back (a prefix before the archive is allowed, as `zipfile` allows it), reads the
/// central directory (zip64 included), and walks the local headers from the first one, each header's data
/// following the previous; a record is listed once per distinct (data offset, method, size) either view gives.
/// Only headers are read here, each with one `pread`; every count, size and offset is checked against the file.
struct ZipScanDirectory {
    /// One record as one view describes it.
    struct Record: Sendable, Equatable {
        /// The name the view gives (the central directory's when it has one).
        let name: String
        /// The local header's name when it differs from the central directory's.
        let localName: String?
        let headerOffset: Int
        let dataOffset: Int
        let method: UInt16
        let flags: UInt16
        /// nil for a local header with a data descriptor that no central entry sizes.
        let compressedSize: Int?
        /// Which view this is: `central directory` or `local header`.
        let view: String
        /// The first bytes of the stored data (up to 16), read with the header.
        let head: [UInt8]
    }

    let records: [Record]
    /// Problems that keep part of the archive from being read (a central entry pointing at no local header, ...).
    let problems: [CheckpointError]
    /// Where the archive starts in the file (bytes before it are a prefix).
    let archiveStart: Int

    static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    static let localSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let centralSignature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    /// How much of each local header is read at once: the fixed part, a name, an extra field and the data's start.
    static let headerRead = 640

    /// The end record's offset, if the last 64 KiB + 22 bytes of the file hold one.
    static func findEnd(_ file: RandomAccessFile) throws -> (offset: Int, record: [UInt8])? {
        let tailLength = min(file.size, 22 + 0xFFFF)
        guard tailLength >= 22 else { return nil }
        let tail = try file.read(offset: file.size - tailLength, count: tailLength)
        var index = tailLength - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06 {
                return (file.size - tailLength + index, Array(tail[index..<index + 22]))
            }
            index -= 1
        }
        return nil
    }

    /// Reads the directory and walks the local headers of the archive whose end record is at `end`.
    init(file: RandomAccessFile, end: (offset: Int, record: [UInt8])?, maxEntries: Int = 1 << 20) throws {
        var problems: [CheckpointError] = []
        var central: [CentralEntry] = []
        var archiveStart = 0
        if let end {
            do {
                let directory = try Self.centralDirectory(file, end: end, maxEntries: maxEntries)
                central = directory.entries
                archiveStart = directory.shift
            } catch let error as CheckpointError {
                problems.append(error)
            }
        }
        var locals: [Int: LocalHeader] = [:]
        func local(at offset: Int) -> LocalHeader? {
            if let known = locals[offset] { return known }
            guard let header = try? Self.localHeader(file, at: offset) else { return nil }
            locals[offset] = header
            return header
        }
        var records: [Record] = []
        var seen = Set<Key>()
        func add(_ record: Record) {
            guard seen.insert(Key(dataOffset: record.dataOffset, method: record.method, size: record.compressedSize)).inserted
            else { return }
            records.append(record)
        }
        var centralAt: [Int: CentralEntry] = [:]
        for entry in central {
            let offset = entry.localOffset + archiveStart
            guard let header = local(at: offset) else {
                problems.append(.corruptZip(entry: entry.name, reason: "its central entry points at byte \(offset), where no local header is"))
                continue
            }
            if centralAt[offset] == nil { centralAt[offset] = entry }
            add(Record(name: entry.name, localName: header.name == entry.name ? nil : header.name, headerOffset: offset,
                       dataOffset: header.dataOffset, method: entry.method, flags: entry.flags,
                       compressedSize: entry.compressedSize, view: "central directory", head: header.head))
        }
        // The local headers in a row from the first: what a streaming reader sees.
        var position = central.map { $0.localOffset + archiveStart }.min() ?? 0
        if file.size >= 4, (try? file.read(offset: archiveStart, count: 4)) == Self.localSignature { position = min(position, archiveStart) }
        var steps = 0
        while steps < maxEntries, let header = local(at: position) {
            steps += 1
            var size = header.compressedSize
            if header.hasDescriptor, size == 0 || size == nil { size = centralAt[position]?.compressedSize }
            add(Record(name: header.name, localName: nil, headerOffset: position, dataOffset: header.dataOffset,
                       method: header.method, flags: header.flags, compressedSize: size, view: "local header",
                       head: header.head))
            guard let size, let next = CheckedArithmetic.add(header.dataOffset, size), next <= file.size else { break }
            position = next
            if header.hasDescriptor {
                // The descriptor: an optional signature, the CRC-32 and two sizes (8 bytes each in zip64).
                let signed = (try? file.read(offset: position, count: 4)) == [0x50, 0x4B, 0x07, 0x08]
                position += (signed ? 4 : 0) + (header.isZip64 ? 20 : 12)
            }
        }
        self.records = records
        self.problems = problems
        self.archiveStart = archiveStart
    }

    private struct Key: Hashable {
        let dataOffset: Int
        let method: UInt16
        let size: Int?
    }

    struct CentralEntry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let compressedSize: Int
        let localOffset: Int
    }

    struct LocalHeader {
        let name: String
        let flags: UInt16
        let method: UInt16
        let compressedSize: Int?
        let dataOffset: Int
        let isZip64: Bool
        let head: [UInt8]
        var hasDescriptor: Bool { flags & 0x08 != 0 }
    }

    /// The central directory's entries and the shift of every offset it gives (a prefix before the archive).
    static func centralDirectory(_ file: RandomAccessFile, end: (offset: Int, record: [UInt8]), maxEntries: Int) throws
        -> (entries: [CentralEntry], shift: Int)
    {
        let record = end.record
        var count = Int(u16(record, 10))
        var size = Int(u32(record, 12))
        var offset = Int(u32(record, 16))
        var directoryEnd = end.offset
        if end.offset >= 20 {
            // zip64 (torch always writes it): a locator just before the end record, the zip64 end record before it.
            let locator = try file.read(offset: end.offset - 20, count: 20)
            if locator.starts(with: [0x50, 0x4B, 0x06, 0x07]) {
                let declared = u64(locator, 8)
                // The zip64 end record sits right before its locator, whatever a prefix shifted.
                let recordOffset = end.offset - 20 - 56
                guard recordOffset >= 0, declared <= UInt64(Int.max) else {
                    throw CheckpointError.corruptZip(entry: nil, reason: "zip64 end record lies outside the file")
                }
                let zip64 = try file.read(offset: recordOffset, count: 56)
                guard zip64.starts(with: [0x50, 0x4B, 0x06, 0x06]) else {
                    throw CheckpointError.corruptZip(entry: nil, reason: "no zip64 end record at byte \(recordOffset)")
                }
                let count64 = u64(zip64, 32), size64 = u64(zip64, 40), offset64 = u64(zip64, 48)
                guard count64 <= UInt64(maxEntries), size64 <= UInt64(file.size), offset64 <= UInt64(file.size) else {
                    throw CheckpointError.corruptZip(entry: nil, reason: "zip64 end record declares sizes past the file")
                }
                count = Int(count64)
                size = Int(size64)
                offset = Int(offset64)
                directoryEnd = recordOffset
            }
        }
        guard size <= directoryEnd else {
            throw CheckpointError.corruptZip(entry: nil, reason: "central directory of \(size) bytes does not fit before its end record")
        }
        let actualStart = directoryEnd - size
        let shift = max(0, actualStart - offset)
        let bytes = try file.read(offset: actualStart, count: size)
        var entries: [CentralEntry] = []
        var position = 0
        while entries.count < min(count, maxEntries), position + 46 <= bytes.count {
            guard bytes[position..<position + 4].elementsEqual(centralSignature) else {
                throw CheckpointError.corruptZip(entry: nil, reason: "central entry \(entries.count) at byte \(actualStart + position) has no signature")
            }
            let nameLength = Int(u16(bytes, position + 28))
            let extraLength = Int(u16(bytes, position + 30))
            let commentLength = Int(u16(bytes, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= bytes.count else {
                throw CheckpointError.corruptZip(entry: nil, reason: "central entry \(entries.count) runs past the directory")
            }
            let name = String(decoding: bytes[position + 46..<position + 46 + nameLength], as: UTF8.self)
            var compressed = UInt64(u32(bytes, position + 20))
            let uncompressed = UInt64(u32(bytes, position + 24))
            var local = UInt64(u32(bytes, position + 42))
            // zip64 extra field: the 8-byte values of the fields that hold 0xFFFFFFFF, in this order.
            let extra = bytes[position + 46 + nameLength..<position + 46 + nameLength + extraLength]
            if let fields = zip64Fields(extra) {
                var index = 0
                func nextField() -> UInt64? {
                    guard index + 8 <= fields.count else { return nil }
                    defer { index += 8 }
                    return u64(Array(fields), index)
                }
                if uncompressed == 0xFFFF_FFFF { _ = nextField() }
                if compressed == 0xFFFF_FFFF, let value = nextField() { compressed = value }
                if local == 0xFFFF_FFFF, let value = nextField() { local = value }
            }
            guard compressed <= UInt64(file.size), local <= UInt64(file.size) else {
                throw CheckpointError.corruptZip(entry: name, reason: "central entry declares offsets or sizes past the file")
            }
            entries.append(CentralEntry(name: name, flags: u16(bytes, position + 8), method: u16(bytes, position + 10),
                                        compressedSize: Int(compressed), localOffset: Int(local)))
            position = next
        }
        return (entries, shift)
    }

    /// The local header at `offset`, or nil when there is none (no signature, or it runs past the file).
    static func localHeader(_ file: RandomAccessFile, at offset: Int) throws -> LocalHeader? {
        guard offset >= 0, file.size - offset >= 30 else { return nil }
        var bytes = try file.read(offset: offset, count: min(headerRead, file.size - offset))
        guard bytes.starts(with: localSignature) else { return nil }
        let nameLength = Int(u16(bytes, 26))
        let extraLength = Int(u16(bytes, 28))
        let dataOffset = offset + 30 + nameLength + extraLength
        guard dataOffset <= file.size else { return nil }
        let wanted = 30 + nameLength + extraLength + 16
        if bytes.count < wanted, file.size - offset > bytes.count {
            bytes = try file.read(offset: offset, count: min(wanted, file.size - offset))
        }
        let name = String(decoding: bytes[30..<30 + nameLength], as: UTF8.self)
        let flags = u16(bytes, 6)
        var compressed = UInt64(u32(bytes, 18))
        var isZip64 = false
        if let fields = zip64Fields(bytes[30 + nameLength..<30 + nameLength + extraLength]), fields.count >= 16 {
            isZip64 = true
            if compressed == 0xFFFF_FFFF { compressed = u64(Array(fields), 8) }
        }
        let headStart = 30 + nameLength + extraLength
        let head = Array(bytes[min(headStart, bytes.count)..<min(headStart + 16, bytes.count)])
        let size: Int? = compressed <= UInt64(file.size - dataOffset) ? Int(compressed) : nil
        return LocalHeader(name: name, flags: flags, method: u16(bytes, 8), compressedSize: size, dataOffset: dataOffset,
                           isZip64: isZip64, head: head)
    }

    /// The data of the zip64 extra field (header id 1) in `extra`, if there is one.
    static func zip64Fields(_ extra: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = extra.startIndex
        while index + 4 <= extra.endIndex {
            let id = UInt16(extra[index]) | UInt16(extra[index + 1]) << 8
            let length = Int(extra[index + 2]) | Int(extra[index + 3]) << 8
            guard index + 4 + length <= extra.endIndex else { return nil }
            if id == 1 { return extra[index + 4..<index + 4 + length] }
            index += 4 + length
        }
        return nil
    }

    static func u16<C: RandomAccessCollection>(_ bytes: C, _ at: Int) -> UInt16 where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + at
        return UInt16(bytes[base]) | UInt16(bytes[base + 1]) << 8
    }

    static func u32<C: RandomAccessCollection>(_ bytes: C, _ at: Int) -> UInt32 where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + at
        return (0..<4).reduce(0) { $0 | UInt32(bytes[base + $1]) << (8 * UInt32($1)) }
    }

    static func u64<C: RandomAccessCollection>(_ bytes: C, _ at: Int) -> UInt64 where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + at
        return (0..<8).reduce(0) { $0 | UInt64(bytes[base + $1]) << (8 * UInt64($1)) }
    }
}
