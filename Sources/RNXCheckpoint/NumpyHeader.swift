import RNXTensor

/// The dict at the start of a `.npy` file, parsed as the Python literal numpy writes and nothing more.
struct NumpyHeader {
    /// The dtype as written: a string such as `<f4` or `|O`, or the text of a structured dtype's field list.
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]
    /// Whether the dtype holds Python objects (`O`, or a structured dtype with an `O` field): numpy then writes
    /// the array as a pickle after the header, and `np.load(allow_pickle=True)` unpickles it.
    var hasObjects: Bool

    private enum Value {
        case string(String)
        case bool(Bool)
        case tuple([Int])
        /// A structured dtype's list of fields, and whether any leaf names an object dtype.
        case fields(text: String, hasObjects: Bool)
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Most header bytes read (numpy itself refuses headers over 10,000 bytes unless told otherwise).
    static let maxHeaderBytes = 1 << 20

    /// Reads the magic, version and header dict of a `.npy` file whose first bytes `prefix(count)` returns
    /// (at least `count` bytes unless the file is shorter); returns the header and where the data starts.
    static func read(size: Int, prefix: (Int) throws -> [UInt8]) throws -> (header: NumpyHeader, dataStart: Int) {
        let start = try prefix(min(size, 12))
        guard start.count >= 8, Array(start[0..<6]) == magic else {
            if start.count < 8 && start.elementsEqual(magic.prefix(start.count)) {
                throw CheckpointError.npyTruncatedHeader(needed: 8, found: start.count)
            }
            throw CheckpointError.npyBadMagic
        }
        let major = Int(start[6]), minor = Int(start[7])
        guard (1...3).contains(major), minor == 0 else {
            throw CheckpointError.npyUnsupportedVersion(major: major, minor: minor)
        }
        // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4.
        let lengthSize = major == 1 ? 2 : 4
        let headerStart = 8 + lengthSize
        guard start.count >= headerStart else {
            throw CheckpointError.npyTruncatedHeader(needed: headerStart, found: size)
        }
        var headerLength = 0
        for index in 0..<lengthSize { headerLength |= Int(start[8 + index]) << (8 * index) }
        let dataStart = headerStart + headerLength  // at most 12 + 2^32: cannot overflow
        guard size >= dataStart else { throw CheckpointError.npyTruncatedHeader(needed: dataStart, found: size) }
        guard headerLength <= maxHeaderBytes else {
            throw CheckpointError.npyMalformedHeader(
                offset: headerStart, reason: "header of \(headerLength) bytes is over the limit of \(maxHeaderBytes)")
        }
        let bytes = try prefix(dataStart)
        guard bytes.count >= dataStart else { throw CheckpointError.npyTruncatedHeader(needed: dataStart, found: bytes.count) }
        let header = try NumpyHeader(bytes: bytes[headerStart..<dataStart], offset: headerStart, utf8: major == 3)
        return (header, dataStart)
    }

    init(bytes: ArraySlice<UInt8>, offset: Int, utf8: Bool) throws {
        var parser = Parser(bytes: Array(bytes), base: offset)
        if !utf8, let bad = bytes.firstIndex(where: { $0 >= 0x80 }) {
            throw CheckpointError.npyMalformedHeader(offset: bad, reason: "non-ASCII byte in a version 1/2 header")
        }
        var entries: [String: Value] = [:]
        parser.skipSpace()
        try parser.expect(UInt8(ascii: "{"))
        while true {
            parser.skipSpace()
            if parser.peek == UInt8(ascii: "}") { parser.position += 1; break }
            let keyOffset = parser.offset
            let key = try parser.string()
            guard entries[key] == nil else {
                throw CheckpointError.npyMalformedHeader(offset: keyOffset, reason: "key '\(key)' appears twice")
            }
            parser.skipSpace()
            try parser.expect(UInt8(ascii: ":"))
            parser.skipSpace()
            entries[key] = try Self.value(&parser)
            parser.skipSpace()
            if parser.peek == UInt8(ascii: ",") { parser.position += 1; continue }
            try parser.expect(UInt8(ascii: "}"))
            break
        }
        parser.skipSpace()
        guard parser.atEnd else {
            throw CheckpointError.npyMalformedHeader(offset: parser.offset, reason: "text after the header dict")
        }
        guard Set(entries.keys) == ["descr", "fortran_order", "shape"] else {
            let keys = entries.keys.sorted().joined(separator: ", ")
            throw CheckpointError.npyMalformedHeader(
                offset: offset, reason: "keys must be exactly descr, fortran_order, shape (found \(keys))")
        }
        switch entries["descr"] {
        case .string(let descr)?:
            self.descr = descr
            hasObjects = Self.isObjectType(descr)
        case .fields(let text, let objects)?:
            self.descr = text
            hasObjects = objects
        default:
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "descr is not a string or a list of fields")
        }
        guard case .bool(let fortranOrder) = entries["fortran_order"] else {
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "fortran_order is not True or False")
        }
        guard case .tuple(let shape) = entries["shape"] else {
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "shape is not a tuple of integers")
        }
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private static func value(_ parser: inout Parser) throws -> Value {
        switch parser.peek {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parser.string())
        case UInt8(ascii: "("):
            parser.position += 1
            var items: [Int] = []
            while true {
                parser.skipSpace()
                if parser.peek == UInt8(ascii: ")") { parser.position += 1; break }
                items.append(try parser.integer())
                parser.skipSpace()
                if parser.peek == UInt8(ascii: ",") { parser.position += 1; continue }
                try parser.expect(UInt8(ascii: ")"))
                break
            }
            return .tuple(items)
        case UInt8(ascii: "["):
            let start = parser.position
            let objects = try fields(&parser)
            return .fields(text: String(decoding: parser.bytes[start..<parser.position], as: UTF8.self), hasObjects: objects)
        default:
            if parser.consume("True") { return .bool(true) }
            if parser.consume("False") { return .bool(false) }
            throw CheckpointError.npyMalformedHeader(offset: parser.offset, reason: "expected a string, tuple or bool")
        }
    }

    /// Whether a dtype string is numpy's object type (`O`, with an optional byte order and size).
    static func isObjectType(_ descr: String) -> Bool {
        var text = Substring(descr)
        if let first = text.first, "|<>=".contains(first) { text = text.dropFirst() }
        return text == "O" || text == "O8" || text == "O4"
    }

    /// Most nested lists and tuples in a structured dtype.
    static let maxFieldDepth = 32

    /// Skips a structured dtype's field list (lists and tuples of strings and integers, nested), returning whether
    /// any string in it names the object type.
    private static func fields(_ parser: inout Parser) throws -> Bool {
        var closers: [UInt8] = []
        var objects = false
        repeat {
            parser.skipSpace()
            switch parser.peek {
            case UInt8(ascii: "["), UInt8(ascii: "("):
                guard closers.count < maxFieldDepth else {
                    throw CheckpointError.npyMalformedHeader(offset: parser.offset, reason: "dtype fields nest too deep")
                }
                closers.append(parser.peek == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")"))
                parser.position += 1
                continue
            case let byte? where byte == closers.last:
                closers.removeLast()
                parser.position += 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                if isObjectType(try parser.string()) { objects = true }
            default:
                _ = try parser.integer()
            }
            parser.skipSpace()
            if !closers.isEmpty, parser.peek == UInt8(ascii: ",") { parser.position += 1 }
        } while !closers.isEmpty
        return objects
    }

    /// A cursor over the header text; `base` is the header's offset in the file, for messages.
    private struct Parser {
        let bytes: [UInt8]
        let base: Int
        var position = 0

        init(bytes: [UInt8], base: Int) {
            self.bytes = bytes
            self.base = base
        }

        var atEnd: Bool { position >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[position] }
        var offset: Int { base + position }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard peek == byte else {
                let found = peek.map { "'\(String(UnicodeScalar($0)))'" } ?? "the end"
                throw CheckpointError.npyMalformedHeader(
                    offset: offset, reason: "expected '\(String(UnicodeScalar(byte)))', found \(found)")
            }
            position += 1
        }

        mutating func consume(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8
            else { return false }
            position += utf8.count
            return true
        }

        mutating func string() throws -> String {
            guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw CheckpointError.npyMalformedHeader(offset: offset, reason: "expected a quoted string")
            }
            let start = position + 1
            guard let end = bytes[start...].firstIndex(of: quote) else {
                throw CheckpointError.npyMalformedHeader(offset: offset, reason: "unterminated string")
            }
            guard let text = String(validating: bytes[start..<end], as: UTF8.self), !text.contains("\\") else {
                throw CheckpointError.npyMalformedHeader(offset: offset, reason: "invalid string")
            }
            position = end + 1
            return text
        }

        mutating func integer() throws -> Int {
            let start = offset
            var value = 0
            var digits = 0
            while let byte = peek, (0x30...0x39).contains(byte) {
                guard let next = CheckedArithmetic.multiply(value, 10).flatMap({ CheckedArithmetic.add($0, Int(byte - 0x30)) })
                else { throw CheckpointError.npyMalformedHeader(offset: start, reason: "dimension too large") }
                value = next
                digits += 1
                position += 1
            }
            guard digits > 0 else {
                throw CheckpointError.npyMalformedHeader(offset: start, reason: "expected a non-negative integer")
            }
            return value
        }
    }
}
