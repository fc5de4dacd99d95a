/// An `SVGWriter` that tracks the extent of what was drawn, so the finished document fits its content exactly.
struct DiagramCanvas {
    static let margin = 20.0
    static let grey = "#555555"
    static let red = "#c62828"
    static let orange = "#b35900"
    static let line = "#333333"
    /// Pale fills, one per stage (and the stem and head), in the order the paper's figures colour them.
    static let stageFills = ["#e8eaf6", "#e3f2fd", "#e8f5e9", "#fff8e1", "#fce4ec", "#f3e5f5", "#e0f7fa"]
    static let plainFill = "#f5f5f5"
    /// Stronger tones of the same colours, for bars.
    static let stageBars = ["#9fa8da", "#90caf9", "#a5d6a7", "#ffe082", "#f48fb1", "#ce93d8", "#80deea"]

    var writer = SVGWriter()
    private(set) var maxX = 0.0
    private(set) var maxY = 0.0

    /// Grows the drawn extent to include (x, y).
    mutating func cover(_ x: Double, _ y: Double) {
        maxX = max(maxX, x)
        maxY = max(maxY, y)
    }

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, anchor: TextMetrics.Anchor = .start,
        bold: Bool = false, fill: String = "#111111", className: String? = nil
    ) {
        let box = TextMetrics.bounds(content, x: x, y: y, size: size, anchor: anchor, bold: bold)
        cover(box.maxX, box.maxY)
        writer.text(content, x: x, y: y, size: size, anchor: anchor, bold: bold, fill: fill, className: className)
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String = DiagramCanvas.line,
        strokeWidth: Double = 1, radius: Double = 0, dash: String? = nil
    ) {
        cover(x + width + strokeWidth, y + height + strokeWidth)
        writer.rect(
            x: x, y: y, width: width, height: height, fill: fill, stroke: stroke, strokeWidth: strokeWidth,
            radius: radius, dash: dash)
    }

    /// A box with `label` centred in it.
    mutating func box(
        _ label: String, x: Double, y: Double, width: Double, height: Double, fill: String,
        stroke: String = DiagramCanvas.line, strokeWidth: Double = 1, size: Double = 12, dash: String? = nil
    ) {
        rect(x: x, y: y, width: width, height: height, fill: fill, stroke: stroke, strokeWidth: strokeWidth, radius: 3,
             dash: dash)
        text(label, x: x + width / 2, y: y + height / 2 + size * 0.36, size: size, anchor: .middle)
    }

    /// A group (`<g>`) around what `content` draws.
    mutating func group(_ pairs: [(String, String)], title: String? = nil, _ content: (inout DiagramCanvas) -> Void) {
        writer.open(pairs, title: title)
        content(&self)
        writer.close()
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = DiagramCanvas.line, width: Double = 1,
        dash: String? = nil
    ) {
        cover(max(x1, x2) + width, max(y1, y2) + width)
        writer.line(x1: x1, y1: y1, x2: x2, y2: y2, stroke: stroke, width: width, dash: dash)
    }

    mutating func arrowDown(x: Double, from y1: Double, to y2: Double, stroke: String = DiagramCanvas.line) {
        cover(x + 4, y2)
        writer.arrowDown(x: x, from: y1, to: y2, stroke: stroke)
    }

    /// A path whose right and bottom extent the caller gives (`maxX`, `maxY`).
    mutating func path(
        _ d: String, maxX: Double, maxY: Double, stroke: String = DiagramCanvas.line, width: Double = 1,
        dash: String? = nil, fill: String = "none"
    ) {
        cover(maxX + width, maxY + width)
        writer.path(d, stroke: stroke, width: width, dash: dash, fill: fill)
    }

    /// The document, the drawn extent plus the margin.
    func finish(description: String) -> String {
        writer.document(width: maxX + DiagramCanvas.margin, height: maxY + DiagramCanvas.margin, description: description)
    }
}
