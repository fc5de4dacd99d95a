import Foundation

/// JSON string literals for the hand-written JSON of headers and reports, where key order matters.
extension String {
    /// The string as a JSON string literal: quotes, backslashes and control characters escaped, the rest verbatim UTF-8.
    public var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
