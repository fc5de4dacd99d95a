/// Estimated extents of text in the diagrams' font, so boxes fit their labels and labels never overlap.
///
/// The diagrams name only installed font families (DejaVu Sans, which Debian's rsvg-convert uses, then Helvetica,
/// Arial and the generic sans-serif). The per-character advances below are DejaVu Sans's, rounded up, and DejaVu Sans
/// is the widest of these families, so text set in any of them takes at most the estimated width. Package-internal:
/// the diagrams and their tests measure text; nothing outside rnx needs to.
package enum TextMetrics {
    /// The SVG `text-anchor` values the diagrams use.
    package enum Anchor: String, Sendable {
        case start, middle, end
    }

    /// The `font-family` of every diagram.
    package static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// Height above the baseline (ascender) and below it (descender), as fractions of the font size.
    package static let ascent = 0.93
    package static let descent = 0.24

    /// Estimated advance width of `text` at `size` pixels (bold text is about 10% wider in DejaVu Sans).
    package static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(scalar) }
        return em * size * (bold ? 1.1 : 1.0)
    }

    /// The box `text` covers when drawn at (x, baseline y): (minX, minY, maxX, maxY).
    package static func bounds(
        _ text: String, x: Double, y: Double, size: Double, anchor: Anchor, bold: Bool = false
    ) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let w = width(text, size: size, bold: bold)
        let minX: Double
        switch anchor {
        case .start: minX = x
        case .middle: minX = x - w / 2
        case .end: minX = x - w
        }
        return (minX, y - ascent * size, minX + w, y + descent * size)
    }

    private static func advance(_ scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case " ", ",", ".", ":", ";", "'", "|", "!", "i", "j", "l", "·": 0.33
        case "f", "r", "t", "/", "(", ")", "[", "]", "-", "I": 0.42
        case "m", "w", "M", "W", "%", "…", "⊕", "→": 1.0
        case "×": 0.84
        case "A"..."Z": 0.78
        default: 0.65
        }
    }
}
