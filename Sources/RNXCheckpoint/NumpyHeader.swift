import RNXTensor

/// The dict at the start of a `.npy` file, parsed as the Python literal numpy writes and nothing more.
struct NumpyHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    private enum Value {
        case string(String)
        case bool(Bool)
        case tuple([Int])
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
        guard case .string(let descr) = entries["descr"] else {
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "descr is not a string")
        }
        guard case .bool(let fortranOrder) = entries["fortran_order"] else {
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "fortran_order is not True or False")
        }
        guard case .tuple(let shape) = entries["shape"] else {
            throw CheckpointError.npyMalformedHeader(offset: offset, reason: "shape is not a tuple of integers")
        }
        guard descr == "<f4" || descr == "<f8" else { throw CheckpointError.npyUnsupportedDType(descr) }
        self.descr = descr
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
        default:
            if parser.consume("True") { return .bool(true) }
            if parser.consume("False") { return .bool(false) }
            throw CheckpointError.npyMalformedHeader(offset: parser.offset, reason: "expected a string, tuple or bool")
        }
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
