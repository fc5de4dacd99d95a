/// The `stages` style: each of the model's parts (`rnx summary --depth 1`'s rows) with its output shape,
/// parameters and mult-adds, and a bar for its share of the mult-adds, split at block boundaries within a stage.
extension Diagram {
    func drawStages(_ canvas: inout DiagramCanvas) {
        let top = drawHeader(&canvas, x: DiagramCanvas.margin)
        let size = 11.0
        let rowHeight = 22.0
        let barWidth = 260.0
        let headers = ["layer", "output", "params", "mult-adds", "share of mult-adds"]
        let total = max(model.totalMultAdds, 1)
        // The largest share fills the bar column; the percentages say the shares.
        let scale = barWidth / Double(max(model.parts.map(\.multAdds).max() ?? 1, 1))
        let rows: [[String]] = model.parts.map { part in
            [part.name, Diagram.shapeText(part.outputShape), part.parameters.formatted(groupingSeparator: ","),
             part.multAdds.formatted(groupingSeparator: ",")]
        }
        let totals = ["total", "", model.totalParameters.formatted(groupingSeparator: ","),
                      model.totalMultAdds.formatted(groupingSeparator: ",")]
        var widths = [Double](repeating: 0, count: 4)
        for row in rows + [totals, Array(headers.prefix(4))] {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TextMetrics.width(cell, size: size, bold: true)) }
        }
        // Column edges: text starts (layer, output) or ends (numbers) there.
        var x = DiagramCanvas.margin
        let nameX = x
        x += widths[0] + 18
        let outputX = x
        x += widths[1] + 18
        let paramsEnd = x + widths[2]
        x = paramsEnd + 18
        let multEnd = x + widths[3]
        let barX = multEnd + 18
        var y = top + 18
        let anchors: [TextMetrics.Anchor] = [.start, .start, .end, .end, .start]
        let columnX = [nameX, outputX, paramsEnd, multEnd, barX]
        for (i, header) in headers.enumerated() {
            canvas.text(header, x: columnX[i], y: y, size: size, anchor: anchors[i], bold: true)
        }
        canvas.line(x1: nameX, y1: y + 6, x2: barX + barWidth + 50, y2: y + 6, stroke: "#999999")
        var stageIndex = 0
        for (index, part) in model.parts.enumerated() {
            y += rowHeight
            let isStage = model.stages.contains { $0.name == part.name }
            let fill = isStage
                ? DiagramCanvas.stageBars[stageIndex % DiagramCanvas.stageBars.count] : "#b0bec5"
            let stage = model.stages.first { $0.name == part.name }
            let unfit = unfittingTensors(under: part.name)
            var pairs: [(String, String)] = [
                ("class", isStage ? "stage" : "layer"), ("data-name", part.name), ("data-type", part.typeName),
                ("data-out", DiagramModel.shapeKey(part.outputShape)), ("data-params", String(part.parameters)),
                ("data-mult-adds", String(part.multAdds)),
            ]
            if let stage { pairs.append(("data-blocks", String(stage.blocks.count))) }
            if !unfit.isEmpty { pairs.append(("data-unfit", unfit.joined(separator: " "))) }
            var title = [
                "\(part.name) (\(part.typeName))" + (stage.map { ", \($0.blocks.count) blocks" } ?? ""),
                "output \(SummaryTable.shapeText(part.outputShape))",
                "params \(part.parameters.formatted(groupingSeparator: ","))",
                "mult-adds \(part.multAdds.formatted(groupingSeparator: ","))",
            ]
            title += unfit.map { "does not fit: \($0)" }
            canvas.group(pairs, title: title.joined(separator: "\n")) { canvas in
                let adapted = (model.stem + model.head).contains { $0.path == part.name && $0.adaptation != nil }
                let colour = !unfit.isEmpty ? DiagramCanvas.red : (adapted ? DiagramCanvas.orange : "#111111")
                for (i, cell) in rows[index].enumerated() {
                    canvas.text(cell, x: columnX[i], y: y, size: size, anchor: anchors[i], bold: i == 0 && isStage,
                                fill: colour)
                }
                let share = Double(part.multAdds) / Double(total)
                let width = (scale * Double(part.multAdds) * 100).rounded() / 100
                if width > 0 {
                    canvas.rect(x: barX, y: y - 11, width: width, height: 14, fill: fill,
                                stroke: "#607d8b", strokeWidth: 0.5)
                    // Block boundaries inside a stage's bar.
                    var at = barX
                    for blockMultAdds in part.blockMultAdds.dropLast() {
                        at += scale * Double(blockMultAdds)
                        if at - barX < width { canvas.line(x1: at, y1: y - 11, x2: at, y2: y + 3, stroke: "#ffffff",
                                                           width: 0.5) }
                    }
                }
                canvas.text(Diagram.percent(share), x: barX + width + 6, y: y, size: 10, fill: DiagramCanvas.grey)
            }
            if isStage { stageIndex += 1 }
        }
        canvas.line(x1: nameX, y1: y + 7, x2: barX + barWidth + 50, y2: y + 7, stroke: "#999999")
        y += rowHeight
        for (i, cell) in totals.enumerated() where !cell.isEmpty {
            canvas.text(cell, x: columnX[i], y: y, size: size, anchor: anchors[i], bold: true)
        }
        canvas.text("bars: share of the mult-adds (longest: the largest); white ticks: blocks", x: barX, y: y, size: 10,
                    fill: DiagramCanvas.grey)
        _ = drawFileNotes(&canvas, x: DiagramCanvas.margin, y: y + 6)
    }

    /// `12.3%`, or `<0.1%` for shares that round to nothing but are not zero.
    static func percent(_ share: Double) -> String {
        if share == 0 { return "0%" }
        let tenths = Int((share * 1000).rounded())
        if tenths == 0 { return "<0.1%" }
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Names of the file's unfitting tensors under the model's child `name`.
    func unfittingTensors(under name: String) -> [String] {
        model.unfitting.filter { $0.name.hasPrefix(name + ".") }.map(\.name)
    }
}
