/// The text arguments of protocol 0: numbers, quoted byte strings and raw-unicode-escaped strings.
extension PickleMachine {
    var malformed: PickleError { .invalidLiteral(opcode: opcode.name, offset: opcodeOffset) }

    /// INT: decimal text, where Python 2's `00` and `01` stand for False and True.
    func parseIntLine(_ line: ArraySlice<UInt8>) throws(PickleError) -> PickleValue {
        if line.elementsEqual("00".utf8) { return .bool(false) }
        if line.elementsEqual("01".utf8) { return .bool(true) }
        guard let value = PickleInteger.decimal(line) else { throw malformed }
        return value
    }

    /// FLOAT: Python's `repr` of a float (`1.5`, `1e-05`, `inf`, `nan`).
    func parseFloatLine(_ line: ArraySlice<UInt8>) throws(PickleError) -> PickleValue {
        guard !line.isEmpty, line.count <= 64, line.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let value = Double(String(decoding: line, as: UTF8.self))
        else { throw malformed }
        // Swift turns an out-of-range literal into infinity; Python refuses it.
        if value.isInfinite, !line.contains(UInt8(ascii: "i")), !line.contains(UInt8(ascii: "I")) { throw malformed }
        return .float(value)
    }

    /// STRING: a quoted, backslash-escaped byte string (`'abc'`, `"it's"`), as Python's `codecs.escape_decode` reads it.
    func decodeQuotedString(_ line: ArraySlice<UInt8>) throws(PickleError) -> [UInt8] {
        guard line.count >= 2, let quote = line.first, quote == line.last,
            quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")
        else { throw malformed }
        let body = line.dropFirst().dropLast()
        var output: [UInt8] = []
        output.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard index < body.endIndex else { throw malformed }  // a trailing backslash
            let escape = body[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): output.append(escape)
            case UInt8(ascii: "a"): output.append(0x07)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "v"): output.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escape - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < body.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(body[index]) {
                    value = value * 8 + Int(body[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                output.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"):
                guard body.endIndex - index >= 2, let high = Self.hexValue(body[index]),
                    let low = Self.hexValue(body[index + 1])
                else { throw malformed }
                output.append(UInt8(high << 4 | low))
                index += 2
            default:
                // Python keeps unknown escapes as they are.
                output.append(byte)
                output.append(escape)
            }
        }
        return output
    }

    /// UNICODE: Latin-1 bytes where `\uXXXX` and `\UXXXXXXXX` (after an odd run of backslashes) are code points,
    /// as Python's `raw-unicode-escape` codec reads them.
    func decodeRawUnicodeEscape(_ line: ArraySlice<UInt8>) throws(PickleError) -> String {
        var scalars = String.UnicodeScalarView()
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            var run = 0
            while index < line.endIndex, line[index] == UInt8(ascii: "\\") {
                scalars.append("\\")
                run += 1
                index += 1
            }
            guard run % 2 == 1, index < line.endIndex, line[index] == UInt8(ascii: "u") || line[index] == UInt8(ascii: "U")
            else { continue }
            scalars.removeLast()
            let width = line[index] == UInt8(ascii: "u") ? 4 : 8
            index += 1
            guard line.endIndex - index >= width else { throw malformed }
            var code: UInt32 = 0
            for digit in line[index..<index + width] {
                guard let value = Self.hexValue(digit) else { throw malformed }
                code = code << 4 | UInt32(value)
            }
            index += width
            // Lone surrogates are valid in a Python str but not in a Swift String; no checkpoint needs them.
            guard let scalar = Unicode.Scalar(code) else { throw malformed }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
