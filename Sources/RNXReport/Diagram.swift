import RNXArch
import RNXTensor

/// `rnx diagram`: a ResNet drawn as a standalone SVG (no scripts, external fonts or images), in one of three styles.
///
/// Every block is a `<g class="block" data-name=... data-shortcut=... data-out=...>` with a `<title>` giving its
/// layers, output shape, parameters and mult-adds as `rnx summary` prints them. The bytes depend only on the model
/// and the style; the canvas is sized to the content.
public struct Diagram: Sendable {
    /// What to draw.
    public enum Style: String, Sendable, CaseIterable {
        /// The paper's Figure 3 column: every convolution a box, shortcuts beside the blocks.
        case paper
        /// The residual block of each stage, as the paper's block figures, with widths and repeats.
        case blocks
        /// Per-stage output shape, parameters and mult-adds, with a bar for each part's share of the mult-adds.
        case stages
    }

    /// In `paper`, stages of more than this many blocks are folded: their first block is drawn, then one block
    /// standing for the remaining identical ones, marked `× N` (resnet1202's 200-block stages take two blocks each).
    public static let foldLimit = 6

    /// The figures drawn: every layer, block and stage with its shapes, parameters and mult-adds.
    public let model: DiagramModel

    /// A diagram of `model`; nothing is drawn until ``render(_:)`` is called.
    public init(model: DiagramModel) {
        self.model = model
    }

    /// The SVG document in `style`.
    public func render(_ style: Style) -> String {
        var canvas = DiagramCanvas()
        switch style {
        case .paper: drawPaper(&canvas)
        case .blocks: drawBlocks(&canvas)
        case .stages: drawStages(&canvas)
        }
        return canvas.finish(description: "\(title) (\(style.rawValue)), drawn by rnx diagram")
    }

    /// `resnet34`, or `resnet18 in model.pth` for a file.
    var title: String {
        guard let source = model.source else { return model.name }
        return "\(model.name) in \(source)"
    }

    /// The line under the title: input, parameters, mult-adds.
    var subtitle: String {
        let config = model.config
        var what = "\(config.block.torchClassName) \(config.layers.map(String.init).joined(separator: "-"))"
        if config.groups > 1 {
            what += ", \(config.groups)×\(config.widthPerGroup)d"
        } else if config.widthPerGroup != 64 {
            // wide_resnet50_2: bottlenecks `width_per_group / 64` times as wide.
            what += config.widthPerGroup % 64 == 0
                ? ", \(config.widthPerGroup / 64)× wide" : ", width per group \(config.widthPerGroup)"
        }
        return "\(what) · input \(model.input.channels)×\(model.input.height)×\(model.input.width) · "
            + "\(model.totalParameters.formatted(groupingSeparator: ",")) params · "
            + "\(Diagram.short(model.totalMultAdds)) mult-adds"
    }

    /// 3,663,761,000 as `3.66 G`, as torchinfo's footer rounds.
    static func short(_ value: Int) -> String {
        let v = Double(value)
        for (unit, scale) in [("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)] where v >= scale {
            let hundredths = Int((v / scale * 100).rounded())
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(unit)"
        }
        return String(value)
    }

    /// A shape without the batch, `128×28×28`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.dropFirst().map(String.init).joined(separator: "×")
    }

    /// The hover text of a layer.
    static func title(_ layer: DiagramModel.Layer) -> String {
        var lines = [
            "\(layer.path) (\(layer.typeName)): \(layer.label)",
            "output \(SummaryTable.shapeText(layer.outputShape))",
        ]
        if layer.isFunctional {
            lines[0] = "\(layer.label) (functional, no module)"
        } else {
            lines.append("params \(layer.parameters.formatted(groupingSeparator: ","))")
            lines.append("mult-adds \(layer.multAdds.formatted(groupingSeparator: ","))")
        }
        if let adaptation = layer.adaptation { lines.append("adapted: \(adaptation)") }
        lines += layer.unfitting.map { "does not fit: \($0.description)" }
        return lines.joined(separator: "\n")
    }

    /// The hover text of a block: its layers, shortcut, shape and figures (`rnx summary --depth 2`'s row).
    static func title(_ block: DiagramModel.Block, repeats: Int = 1, last: String? = nil) -> String {
        var first = "\(block.path) (\(block.typeName))"
        if repeats > 1, let last { first = "\(block.path) … \(last): \(repeats) \(block.typeName)s alike, each" }
        var lines = [first, block.layers.map(\.label).joined(separator: " → ")]
        switch block.shortcut {
        case .identity: lines.append("shortcut: identity")
        case .projection, .zeroPad:
            let layers = block.shortcutLayers.map(\.label).joined(separator: " → ")
            lines.append("shortcut: \(block.shortcut.rawValue)" + (layers.isEmpty ? "" : ", \(layers)"))
        }
        lines.append("output \(SummaryTable.shapeText(block.outputShape))")
        lines.append("params \(block.parameters.formatted(groupingSeparator: ","))")
        lines.append("mult-adds \(block.multAdds.formatted(groupingSeparator: ","))")
        let unfit = block.unfitting + block.layers.flatMap(\.unfitting) + block.shortcutLayers.flatMap(\.unfitting)
        lines += unfit.map { "does not fit: \($0.description)" }
        return lines.joined(separator: "\n")
    }

    /// The attributes of a block's group.
    static func blockAttributes(_ block: DiagramModel.Block, repeats: Int = 1, last: String? = nil) -> [(String, String)] {
        var pairs = [
            ("class", "block"), ("data-name", block.path), ("data-type", block.typeName),
            ("data-shortcut", block.shortcut.rawValue), ("data-out", DiagramModel.shapeKey(block.outputShape)),
            ("data-params", String(block.parameters)), ("data-mult-adds", String(block.multAdds)),
        ]
        if repeats > 1, let last {
            pairs += [("data-repeat", String(repeats)), ("data-last", last)]
        }
        let unfit = block.unfitting + block.layers.flatMap(\.unfitting) + block.shortcutLayers.flatMap(\.unfitting)
        if !unfit.isEmpty { pairs.append(("data-unfit", unfit.map(\.name).joined(separator: " "))) }
        return pairs
    }

    static func layerAttributes(_ layer: DiagramModel.Layer) -> [(String, String)] {
        var pairs = [
            ("class", "layer"), ("data-name", layer.path), ("data-type", layer.typeName),
            ("data-out", DiagramModel.shapeKey(layer.outputShape)),
        ]
        if !layer.isFunctional {
            pairs += [("data-params", String(layer.parameters)), ("data-mult-adds", String(layer.multAdds))]
        }
        if layer.adaptation != nil { pairs.append(("data-adapted", "true")) }
        if !layer.unfitting.isEmpty { pairs.append(("data-unfit", layer.unfitting.map(\.name).joined(separator: " "))) }
        return pairs
    }

    /// Draws the title and subtitle at the top; returns the y below them.
    func drawHeader(_ canvas: inout DiagramCanvas, x: Double) -> Double {
        canvas.text(title, x: x, y: DiagramCanvas.margin + 16, size: 16, bold: true)
        canvas.text(subtitle, x: x, y: DiagramCanvas.margin + 34, size: 11, fill: DiagramCanvas.grey)
        return DiagramCanvas.margin + 48
    }

    /// Draws what a file changes and what does not fit below `y`; returns the y below it.
    func drawFileNotes(_ canvas: inout DiagramCanvas, x: Double, y: Double) -> Double {
        var y = y
        func line(_ text: String, fill: String, bold: Bool = false) {
            y += 15
            canvas.text(text, x: x, y: y, size: 11, bold: bold, fill: fill, className: "note")
        }
        if !model.adaptations.isEmpty {
            line("Adapted from the named architecture:", fill: DiagramCanvas.orange, bold: true)
            for note in model.adaptations { line("  " + note, fill: DiagramCanvas.orange) }
        }
        let limit = 40
        if !model.unfitting.isEmpty {
            line("Tensors that do not fit the architecture (\(model.unfitting.count)):", fill: DiagramCanvas.red, bold: true)
            for tensor in model.unfitting.prefix(limit) { line("  " + tensor.description, fill: DiagramCanvas.red) }
            if model.unfitting.count > limit { line("  … and \(model.unfitting.count - limit) more", fill: DiagramCanvas.red) }
        }
        if !model.missing.isEmpty {
            line("Tensors of the architecture missing from the file (\(model.missing.count)):", fill: DiagramCanvas.red,
                 bold: true)
            for name in model.missing.prefix(limit) { line("  " + name, fill: DiagramCanvas.red) }
            if model.missing.count > limit { line("  … and \(model.missing.count - limit) more", fill: DiagramCanvas.red) }
        }
        return y + (y > 0 ? 6 : 0)
    }
}
