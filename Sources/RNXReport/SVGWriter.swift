/// Builds an SVG document as text: elements with escaped attributes and text, integer-free number formatting that
/// gives the same bytes on every machine, and no scripts, external fonts or images.
struct SVGWriter {
    private(set) var body: [String] = []
    private var indent = 1

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, and the characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 Char: no C0 controls other than tab and newline, no U+FFFE/U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate or length: integers without a fraction, others with at most two decimals.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return sign + String(whole) + "." + digits
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    private mutating func line(_ text: String) {
        body.append(String(repeating: "  ", count: indent) + text)
    }

    /// An empty element: `<rect x="1" .../>`.
    mutating func element(_ name: String, _ pairs: [(String, String)]) {
        line("<\(name)\(Self.attributes(pairs))/>")
    }

    /// An element with text content, e.g. `<text ...>3×3 conv, 64</text>`.
    mutating func element(_ name: String, _ pairs: [(String, String)], text: String) {
        line("<\(name)\(Self.attributes(pairs))>\(Self.escape(text))</\(name)>")
    }

    /// Opens a group; `title` becomes its `<title>` (hover text). Close it with `close()`.
    mutating func open(_ pairs: [(String, String)], title: String? = nil) {
        line("<g\(Self.attributes(pairs))>")
        indent += 1
        if let title { line("<title>\(Self.escape(title))</title>") }
    }

    mutating func close() {
        indent -= 1
        line("</g>")
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String = "#333333",
        strokeWidth: Double = 1, radius: Double = 0, dash: String? = nil
    ) {
        var pairs = [
            ("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(width)),
            ("height", Self.number(height)),
        ]
        if radius > 0 { pairs.append(("rx", Self.number(radius))) }
        pairs += [("fill", fill), ("stroke", stroke), ("stroke-width", Self.number(strokeWidth))]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("rect", pairs)
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#333333", width: Double = 1,
        dash: String? = nil
    ) {
        var pairs = [
            ("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
            ("stroke", stroke), ("stroke-width", Self.number(width)),
        ]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("line", pairs)
    }

    /// A path from `d`, unfilled unless `fill` is given.
    mutating func path(_ d: String, stroke: String = "#333333", width: Double = 1, dash: String? = nil, fill: String = "none") {
        var pairs = [("d", d), ("fill", fill), ("stroke", stroke), ("stroke-width", Self.number(width))]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("path", pairs)
    }

    /// A downward arrow from (x, y1) to (x, y2) with its head at y2.
    mutating func arrowDown(x: Double, from y1: Double, to y2: Double, stroke: String = "#333333") {
        line(x1: x, y1: y1, x2: x, y2: y2 - 4, stroke: stroke)
        let n = Self.number
        path("M\(n(x - 3.5)),\(n(y2 - 5)) L\(n(x)),\(n(y2)) L\(n(x + 3.5)),\(n(y2 - 5)) Z", stroke: stroke, fill: stroke)
    }

    /// Text whose extent `TextMetrics` estimates; `anchor` is SVG's `text-anchor`.
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, anchor: TextMetrics.Anchor = .start,
        bold: Bool = false, fill: String = "#111111", className: String? = nil
    ) {
        var pairs = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size))]
        if anchor != .start { pairs.append(("text-anchor", anchor.rawValue)) }
        if bold { pairs.append(("font-weight", "bold")) }
        pairs.append(("fill", fill))
        if let className { pairs.append(("class", className)) }
        element("text", pairs, text: content)
    }

    /// The finished document, `width` × `height` pixels on a white background.
    func document(width: Double, height: Double, description: String) -> String {
        let w = Self.number(width.rounded(.up))
        let h = Self.number(height.rounded(.up))
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
        out += "font-family=\"\(TextMetrics.fontFamily)\">\n"
        out += "  <desc>\(Self.escape(description))</desc>\n"
        out += "  <rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        out += body.joined(separator: "\n")
        if !body.isEmpty { out += "\n" }
        out += "</svg>\n"
        return out
    }
}
