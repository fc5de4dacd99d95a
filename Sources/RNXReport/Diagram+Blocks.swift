/// The `blocks` style: for each stage, its residual block drawn like the paper's block figures (weight layers with
/// their widths, ReLUs, the sum and the shortcut), with how many times it repeats and which shortcut each block has.
extension Diagram {
    func drawBlocks(_ canvas: inout DiagramCanvas) {
        var top = drawHeader(&canvas, x: DiagramCanvas.margin)
        let stem = model.stem.map(\.label).joined(separator: " → ")
        let head = model.head.map(\.label).joined(separator: " → ")
        canvas.text("stem: \(stem)   ·   head: \(head)", x: DiagramCanvas.margin, y: top + 6, size: 11,
                    fill: DiagramCanvas.grey)
        top += 22
        var x = DiagramCanvas.margin
        var bottom = top
        for (index, stage) in model.stages.enumerated() {
            let fill = DiagramCanvas.stageFills[index % DiagramCanvas.stageFills.count]
            let (right, panelBottom) = drawBlockPanel(stage, fill: fill, x: x, y: top, &canvas)
            x = right + 36
            bottom = max(bottom, panelBottom)
        }
        _ = drawFileNotes(&canvas, x: DiagramCanvas.margin, y: bottom + 8)
    }

    /// Runs of alike blocks: `layer2.0: projection shortcut`, `layer2.1–layer2.3: identity shortcut`.
    static func repeatLines(_ stage: DiagramModel.Stage) -> [String] {
        var lines: [String] = []
        var start = 0
        while start < stage.blocks.count {
            var end = start
            let first = stage.blocks[start]
            while end + 1 < stage.blocks.count && stage.blocks[end + 1].shortcut == first.shortcut
                && stage.blocks[end + 1].layers.map(\.label) == first.layers.map(\.label)
            {
                end += 1
            }
            let names = start == end ? first.path : "\(first.path)–\(stage.blocks[end].path)"
            var line = "\(names): \(first.shortcut.rawValue) shortcut"
            if start == 0, first.layers.contains(where: { $0.label.contains("/") }) { line += ", /2" }
            lines.append(line)
            start = end + 1
        }
        return lines
    }

    /// Draws one stage's panel with its top-left corner at (x, y); returns its right and bottom edges.
    private func drawBlockPanel(
        _ stage: DiagramModel.Stage, fill: String, x: Double, y: Double, _ canvas: inout DiagramCanvas
    ) -> (Double, Double) {
        guard let block = stage.blocks.first else { return (x, y) }
        let boxHeight = 24.0
        let gap = 22.0
        let size = 11.0
        let header = "\(stage.name) · \(block.typeName) × \(stage.blocks.count)"
        let subheader = "output \(Diagram.shapeText(stage.outputShape))"
        let footer = Diagram.repeatLines(stage)
        let labels = block.layers.map(\.blockLabel)
        let boxWidth = max(110, ((labels.map { TextMetrics.width($0, size: size) }.max() ?? 0) + 24).rounded(.up))
        let boxX = x
        let center = boxX + boxWidth / 2
        let shortcutText = block.shortcutLayers.map(\.blockLabel).joined(separator: " → ")
        let onLine = block.shortcut == .projection && !shortcutText.isEmpty
        let shortcutLabel = block.shortcut == .identity ? "identity" : shortcutText
        let labelWidth = TextMetrics.width(shortcutLabel, size: 10) + (onLine ? 14 : 0)
        let lineX = boxX + boxWidth + 22 + (onLine ? labelWidth / 2 : 0)

        var pairs: [(String, String)] = [
            ("class", "block-type"), ("data-stage", stage.name), ("data-type", block.typeName),
            ("data-repeat", String(stage.blocks.count)), ("data-shortcut", block.shortcut.rawValue),
            ("data-out", DiagramModel.shapeKey(stage.outputShape)),
        ]
        let unfit = stage.blocks.flatMap { $0.unfitting + $0.layers.flatMap(\.unfitting) + $0.shortcutLayers.flatMap(\.unfitting) }
        if !unfit.isEmpty { pairs.append(("data-unfit", unfit.map(\.name).joined(separator: " "))) }
        var title = [header, subheader, "params \(stage.parameters.formatted(groupingSeparator: ","))",
                     "mult-adds \(stage.multAdds.formatted(groupingSeparator: ","))"] + footer
        title += unfit.map { "does not fit: \($0.description)" }
        var bottom = y
        canvas.group(pairs, title: title.joined(separator: "\n")) { canvas in
            canvas.text(header, x: x, y: y + 14, size: 12, bold: true)
            canvas.text(subheader, x: x, y: y + 29, size: 10, fill: DiagramCanvas.grey)
            let inputY = y + 52
            canvas.text("\(block.inputShape.count > 1 ? block.inputShape[1] : 0)-d", x: center, y: inputY, size: 11,
                        anchor: .middle)
            let junction = inputY + 10
            var cursor = inputY + 4
            for (i, layer) in block.layers.enumerated() {
                let top = cursor + gap
                canvas.arrowDown(x: center, from: cursor, to: top)
                if i > 0 {
                    canvas.text("relu", x: center + 6, y: cursor + gap / 2 + 4, size: 9, fill: DiagramCanvas.grey)
                }
                let unfitting = !layer.unfitting.isEmpty
                canvas.box(layer.blockLabel, x: boxX, y: top, width: boxWidth, height: boxHeight, fill: fill,
                           stroke: unfitting ? DiagramCanvas.red : DiagramCanvas.line, strokeWidth: unfitting ? 2 : 1,
                           size: size)
                cursor = top + boxHeight
            }
            let plusY = cursor + gap
            let n = SVGWriter.number
            canvas.arrowDown(x: center, from: cursor, to: plusY - 8)
            canvas.path("M\(n(center - 8)),\(n(plusY)) A8,8 0 1,0 \(n(center + 8)),\(n(plusY)) A8,8 0 1,0 \(n(center - 8)),\(n(plusY)) "
                        + "M\(n(center - 5)),\(n(plusY)) H\(n(center + 5)) M\(n(center)),\(n(plusY - 5)) V\(n(plusY + 5))",
                        maxX: center + 8, maxY: plusY + 8, fill: "#ffffff")
            let dash: String? = block.shortcut == .identity ? nil : "5,3"
            canvas.path("M\(n(center)),\(n(junction)) H\(n(lineX)) V\(n(plusY)) H\(n(center + 9))",
                        maxX: lineX, maxY: plusY, dash: dash)
            canvas.path("M\(n(center + 15)),\(n(plusY - 3.5)) L\(n(center + 9)),\(n(plusY)) L\(n(center + 15)),\(n(plusY + 3.5)) Z",
                        maxX: center + 15, maxY: plusY + 3.5, fill: DiagramCanvas.line)
            let middle = (junction + plusY) / 2
            if onLine {
                canvas.box(shortcutLabel, x: lineX - labelWidth / 2, y: middle - 10, width: labelWidth, height: 20,
                           fill: "#ffffff", size: 10, dash: "5,3")
            } else {
                canvas.text(shortcutLabel, x: lineX + 6, y: middle + 4, size: 10, fill: DiagramCanvas.grey)
            }
            canvas.text("relu", x: center + 12, y: plusY + 20, size: 9, fill: DiagramCanvas.grey)
            canvas.arrowDown(x: center, from: plusY + 8, to: plusY + 32)
            canvas.text("\(block.outputShape.count > 1 ? block.outputShape[1] : 0)-d", x: center, y: plusY + 46,
                        size: 11, anchor: .middle)
            var lineY = plusY + 68
            for line in footer {
                canvas.text(line, x: x, y: lineY, size: 10, fill: DiagramCanvas.grey, className: "repeats")
                lineY += 14
            }
            for tensor in unfit {
                canvas.text(tensor.name, x: x, y: lineY, size: 10, fill: DiagramCanvas.red, className: "annotation")
                lineY += 14
            }
            bottom = lineY
        }
        var right = max(lineX + (onLine ? labelWidth / 2 : 6 + labelWidth), boxX + boxWidth)
        right = max(right, x + TextMetrics.width(header, size: 12, bold: true))
        for line in footer { right = max(right, x + TextMetrics.width(line, size: 10)) }
        for tensor in unfit { right = max(right, x + TextMetrics.width(tensor.name, size: 10)) }
        return (right, bottom)
    }
}
