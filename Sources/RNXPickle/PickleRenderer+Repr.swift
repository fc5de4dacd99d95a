/// Python's `repr` of scalars.
extension PickleRenderer {
    /// `repr(float)`: the shortest digits that round-trip, in fixed notation for exponents -4 to 15, else `1e-05`.
    static func floatRepr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        // Swift's description also prints the shortest round-trip digits; only the layout differs from Python's.
        var text = Substring(number.description)
        let sign = text.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts.first ?? "", fraction = parts.count > 1 ? parts[1] : ""
        var digits = Array(integer + fraction)
        var point = integer.count + exponent  // value = 0.digits × 10^point
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        if point <= -4 || point > 16 {
            var mantissa = String(digits[0])
            if digits.count > 1 { mantissa += "." + String(digits[1...]) }
            let power = point - 1
            let magnitude = String(abs(power))
            return sign + mantissa + "e" + (power < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count {
            return sign + String(digits) + String(repeating: "0", count: point - digits.count) + ".0"
        }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// `repr(str)`, cut off once it is longer than `budget` characters.
    static func stringRepr(_ string: String, budget: Int) -> String {
        let quote: Unicode.Scalar = string.contains("'") && !string.contains("\"") ? "\"" : "'"
        var text = String.UnicodeScalarView([quote])
        var length = 1  // scalars so far; a character has at least one, so this bounds the characters too
        for scalar in string.unicodeScalars {
            if length > budget { return String(text) }
            length += 1
            switch scalar {
            case "\\": text.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": text.append(contentsOf: "\\n".unicodeScalars)
            case "\r": text.append(contentsOf: "\\r".unicodeScalars)
            case "\t": text.append(contentsOf: "\\t".unicodeScalars)
            case quote: text.append(contentsOf: ["\\", quote])
            default:
                if isPrintable(scalar) {
                    text.append(scalar)
                } else {
                    let escaped = escape(scalar.value)
                    text.append(contentsOf: escaped.unicodeScalars)
                    length += escaped.utf8.count - 1
                }
            }
        }
        text.append(quote)
        return String(text)
    }

    /// `repr(bytes)`, cut off once it is longer than `budget` characters.
    static func bytesRepr(_ bytes: [UInt8], budget: Int) -> String {
        let quote: UInt8 = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\"")) ? 0x22 : 0x27
        var text: [UInt8] = [UInt8(ascii: "b"), quote]
        for byte in bytes {
            if text.count > budget { break }
            switch byte {
            case UInt8(ascii: "\\"): text += [0x5C, 0x5C]
            case UInt8(ascii: "\n"): text += [0x5C, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): text += [0x5C, UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): text += [0x5C, UInt8(ascii: "t")]
            case quote: text += [0x5C, quote]
            case 0x20..<0x7F: text.append(byte)
            default: text += Array(escape(UInt32(byte)).utf8)
            }
        }
        if text.count <= budget + 1 { text.append(quote) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Python's `str.isprintable` for one character: everything but separators (except space), controls, format
    /// characters, surrogates, private use and unassigned code points.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    static func escape(_ value: UInt32) -> String {
        let (prefix, width) = value < 0x100 ? ("\\x", 2) : value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
        let digits = String(value, radix: 16)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
