// Number, string and shape formatting shared by the validation and benchmark reports.

extension Double {
    var scientific: String { isFinite ? String(format: "%.3e", self) : "inf" }
    /// JSON has no infinity; a non-finite figure is written as null.
    var jsonNumber: String { isFinite ? String(format: "%.9g", self) : "null" }
}

extension String {
    /// The string as a JSON string literal.
    var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension Array where Element == Int {
    var shapeText: String { map(String.init).joined(separator: "x") }
}
