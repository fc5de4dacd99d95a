/// The `paper` style: one column like the right-hand network of the paper's Figure 3.
extension Diagram {
    private struct PaperLayout {
        static let boxHeight = 24.0
        static let gap = 16.0
        static let labelSize = 12.0
        var x0 = 0.0
        var boxWidth = 0.0
        var right: Double { x0 + boxWidth }
        var center: Double { x0 + boxWidth / 2 }
        /// The x of the shortcuts' Bézier control points.
        var bulge: Double { right + 38 }
        var bracketX: Double { right + 40 }
        var annotationX = 0.0
        var nextAnnotationY = 0.0
        /// The bottom of the last drawn box, where the next arrow starts.
        var bottom = 0.0
        /// Whether the last thing drawn was a block (whose shortcut ends on the main line already).
        var afterBlock = false
    }

    /// The blocks drawn for a stage: all of them, or beyond `foldLimit` the first and one standing for the rest.
    static func drawnBlocks(_ stage: DiagramModel.Stage) -> [(block: DiagramModel.Block, repeats: Int, last: String?)] {
        guard stage.blocks.count > foldLimit, let last = stage.blocks.last else {
            return stage.blocks.map { ($0, 1, nil) }
        }
        return [(stage.blocks[0], 1, nil), (stage.blocks[1], stage.blocks.count - 1, last.path)]
    }

    func drawPaper(_ canvas: inout DiagramCanvas) {
        let top = drawHeader(&canvas, x: DiagramCanvas.margin)
        let folded = model.stages.map(Diagram.drawnBlocks)
        var labels = (model.stem + model.head).map(\.label)
        for stage in folded { for entry in stage { labels += entry.block.layers.map(\.label) } }
        let labelWidth = labels.map { TextMetrics.width($0, size: PaperLayout.labelSize) }.max() ?? 0
        var sideWidth = 0.0
        for layer in model.stem + model.head where layer.outputShape.count == 4 {
            sideWidth = max(sideWidth, TextMetrics.width(DiagramModel.spatial(layer.outputShape), size: 11, bold: true))
        }
        for stage in model.stages {
            sideWidth = max(sideWidth, TextMetrics.width(DiagramModel.spatial(stage.outputShape), size: 11, bold: true))
            sideWidth = max(sideWidth, TextMetrics.width(stage.name, size: 9))
        }
        var layout = PaperLayout()
        layout.x0 = DiagramCanvas.margin + sideWidth + 12
        layout.boxWidth = max(150, (labelWidth + 24).rounded(.up))
        var foldWidth = 0.0
        for stage in folded { for entry in stage where entry.repeats > 1 {
            foldWidth = max(foldWidth, TextMetrics.width("× \(entry.repeats)", size: 12, bold: true))
        } }
        layout.annotationX = foldWidth > 0 ? layout.bracketX + 8 + foldWidth + 14 : layout.right + 40

        let inputText = "image, \(model.input.channels)×\(model.input.height)×\(model.input.width)"
        let inputY = top + 22
        canvas.text(inputText, x: layout.center, y: inputY, size: 11, anchor: .middle, fill: DiagramCanvas.grey)
        layout.bottom = inputY + 4
        layout.nextAnnotationY = inputY

        for layer in model.stem { drawPaperLayer(layer, fill: DiagramCanvas.plainFill, &layout, &canvas) }
        for (index, stage) in model.stages.enumerated() {
            let fill = DiagramCanvas.stageFills[index % DiagramCanvas.stageFills.count]
            for (position, entry) in folded[index].enumerated() {
                let firstTop = layout.bottom + PaperLayout.gap
                drawPaperBlock(entry.block, repeats: entry.repeats, last: entry.last, fill: fill, &layout, &canvas)
                if position == 0 {
                    let x = layout.x0 - 10
                    canvas.text(DiagramModel.spatial(stage.outputShape), x: x, y: firstTop + 10, size: 11,
                                anchor: .end, bold: true, className: "output-size")
                    canvas.text(stage.name, x: x, y: firstTop + 22, size: 9, anchor: .end, fill: DiagramCanvas.grey)
                }
            }
        }
        for layer in model.head { drawPaperLayer(layer, fill: DiagramCanvas.plainFill, &layout, &canvas) }

        var y = layout.bottom + 28
        let kinds = Set(model.stages.flatMap { $0.blocks.map(\.shortcut) })
        for kind in [DiagramModel.ShortcutKind.identity, .projection, .zeroPad] where kinds.contains(kind) {
            let x = DiagramCanvas.margin
            canvas.line(x1: x, y1: y - 4, x2: x + 30, y2: y - 4, dash: kind == .identity ? nil : "5,3")
            let text: String
            switch kind {
            case .identity: text = "identity shortcut"
            case .projection: text = "projection shortcut (1×1 conv, option B)"
            case .zeroPad: text = "zero-padding shortcut (option A, no parameters)"
            }
            canvas.text(text, x: x + 38, y: y, size: 11, className: "legend")
            y += 16
        }
        if model.stages.contains(where: { $0.blocks.count > Diagram.foldLimit }) {
            canvas.text(
                "Stages of more than \(Diagram.foldLimit) blocks: the first block, then one block standing for × N alike.",
                x: DiagramCanvas.margin, y: y, size: 11, fill: DiagramCanvas.grey, className: "legend")
            y += 16
        }
        _ = drawFileNotes(&canvas, x: DiagramCanvas.margin, y: y - 10)
    }

    /// Stroke colour and width of a layer's box: red if a tensor does not fit, orange if adapted.
    private static func stroke(_ layer: DiagramModel.Layer) -> (String, Double) {
        if !layer.unfitting.isEmpty { return (DiagramCanvas.red, 2) }
        if layer.adaptation != nil { return (DiagramCanvas.orange, 2) }
        return (DiagramCanvas.line, 1)
    }

    /// Notes to the right of a box: the names of tensors that do not fit (red), an adaptation (orange).
    private func annotate(
        _ notes: [(String, String)], boxTop: Double, _ layout: inout PaperLayout, _ canvas: inout DiagramCanvas
    ) {
        var y = max(boxTop + PaperLayout.boxHeight / 2 + 4, layout.nextAnnotationY + 13)
        for (text, fill) in notes {
            canvas.text(text, x: layout.annotationX, y: y, size: 10, fill: fill, className: "annotation")
            layout.nextAnnotationY = y
            y += 13
        }
    }

    private static func notes(_ layer: DiagramModel.Layer) -> [(String, String)] {
        var notes: [(String, String)] = []
        if let adaptation = layer.adaptation { notes.append((adaptation, DiagramCanvas.orange)) }
        notes += layer.unfitting.map { ($0.description, DiagramCanvas.red) }
        return notes
    }

    /// One box below the last, with the arrow into it; returns its top.
    @discardableResult
    private func drawPaperBox(
        _ layer: DiagramModel.Layer, fill: String, stacked: Bool = false, _ layout: inout PaperLayout,
        _ canvas: inout DiagramCanvas
    ) -> Double {
        let top = layout.bottom + PaperLayout.gap
        canvas.arrowDown(x: layout.center, from: layout.bottom, to: top)
        let (stroke, width) = Diagram.stroke(layer)
        if stacked {
            // A block standing for several: its boxes drawn as a stack.
            canvas.rect(x: layout.x0 + 3, y: top + 3, width: layout.boxWidth, height: PaperLayout.boxHeight, fill: fill,
                        stroke: "#888888", radius: 3)
        }
        canvas.box(
            layer.label, x: layout.x0, y: top, width: layout.boxWidth, height: PaperLayout.boxHeight, fill: fill,
            stroke: stroke, strokeWidth: width, size: PaperLayout.labelSize)
        layout.bottom = top + PaperLayout.boxHeight
        annotate(Diagram.notes(layer), boxTop: top, &layout, &canvas)
        return top
    }

    private func drawPaperLayer(
        _ layer: DiagramModel.Layer, fill: String, _ layout: inout PaperLayout, _ canvas: inout DiagramCanvas
    ) {
        canvas.group(Diagram.layerAttributes(layer), title: Diagram.title(layer)) { canvas in
            let top = drawPaperBox(layer, fill: fill, &layout, &canvas)
            if layer.outputShape.count == 4 {
                canvas.text(DiagramModel.spatial(layer.outputShape), x: layout.x0 - 10, y: top + 16, size: 11,
                            anchor: .end, bold: true, className: "output-size")
            }
        }
        layout.afterBlock = false
    }

    private func drawPaperBlock(
        _ block: DiagramModel.Block, repeats: Int, last: String?, fill: String, _ layout: inout PaperLayout,
        _ canvas: inout DiagramCanvas
    ) {
        let attributes = Diagram.blockAttributes(block, repeats: repeats, last: last)
        canvas.group(attributes, title: Diagram.title(block, repeats: repeats, last: last)) { canvas in
            let start = layout.bottom + PaperLayout.gap / 2
            let afterBlock = layout.afterBlock
            var firstTop: Double?
            if !block.unfitting.isEmpty {
                annotate(block.unfitting.map { ($0.description, DiagramCanvas.red) },
                         boxTop: layout.bottom + PaperLayout.gap, &layout, &canvas)
            }
            for layer in block.layers {
                let top = drawPaperBox(layer, fill: fill, stacked: repeats > 1, &layout, &canvas)
                if firstTop == nil { firstTop = top }
            }
            let end = layout.bottom + PaperLayout.gap / 2
            let n = SVGWriter.number
            let dash: String? = block.shortcut == .identity ? nil : "5,3"
            let stroke = block.shortcutLayers.contains { !$0.unfitting.isEmpty } ? DiagramCanvas.red : DiagramCanvas.line
            let begin = afterBlock ? "M\(n(layout.right)),\(n(start))" : "M\(n(layout.center)),\(n(start)) H\(n(layout.right))"
            let d = begin + " C\(n(layout.bulge)),\(n(start)) \(n(layout.bulge)),\(n(end)) \(n(layout.right)),\(n(end))"
                + " H\(n(layout.center))"
            canvas.path(d, maxX: layout.right + 29, maxY: end, stroke: stroke, dash: dash)
            let shortcutNotes = block.shortcutLayers.flatMap(Diagram.notes)
            if !shortcutNotes.isEmpty { annotate(shortcutNotes, boxTop: end - 12, &layout, &canvas) }
            if repeats > 1, let firstTop {
                let x = layout.bracketX
                let bottom = layout.bottom
                canvas.path("M\(n(x - 5)),\(n(firstTop)) H\(n(x)) V\(n(bottom)) H\(n(x - 5))", maxX: x, maxY: bottom)
                canvas.text("× \(repeats)", x: x + 8, y: (firstTop + bottom) / 2 + 4, size: 12, bold: true,
                            className: "repeat")
            }
        }
        layout.afterBlock = true
    }
}
