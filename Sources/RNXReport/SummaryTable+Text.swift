import Foundation
import RNXArch
import RNXTensor

/// The tables as torchinfo and torchsummary print them, plus rnx's optional columns and FLOPs line.
extension SummaryTable {
    /// Layout choices beyond the style.
    public struct TextOptions: Sendable, Hashable {
        /// Adds kernel, stride, receptive field and jump columns.
        public var extraColumns: Bool
        /// Adds a FLOPs line after the mult-adds.
        public var flops: Bool

        /// Options for the text table; both off gives torchinfo's or torchsummary's own table.
        public init(extraColumns: Bool = false, flops: Bool = false) {
            self.extraColumns = extraColumns
            self.flops = flops
        }
    }

    /// The extra columns' titles and the text of a row's cells.
    static let extraTitles = ["Kernel", "Stride", "Receptive Field", "Jump"]

    static func extraCells(_ call: LayerCall) -> [String] {
        [call.kernel?.description ?? "--", call.stride?.description ?? "--", call.receptiveField.description,
         call.jump.description]
    }

    /// The table as text, ending with a newline.
    public func renderText(_ options: TextOptions = TextOptions()) -> String {
        switch style {
        case .torchinfo: renderTorchinfo(options)
        case .torchsummary: renderTorchsummary(options)
        }
    }

    /// torchinfo's `FormattingOptions.format_row`: the name left-aligned in the layer column, each cell
    /// left-aligned in 25 characters, one space after each, trailing spaces stripped.
    private func torchinfoRow(_ name: String, _ cells: [String], extra: [String]) -> String {
        var line = name.padded(to: layerColumnWidth) + " "
        for cell in cells { line += cell.padded(to: 25) + " " }
        for cell in extra { line += cell.padded(to: 17) + " " }
        while line.last == " " { line.removeLast() }
        return line + "\n"
    }

    private func renderTorchinfo(_ options: TextOptions) -> String {
        let width = layerColumnWidth + 3 * 25 + (options.extraColumns ? 4 * 18 : 0)
        let divider = String(repeating: "=", count: width) + "\n"
        var text = divider
        text += torchinfoRow(
            "Layer (type:depth-idx)", ["Output Shape", "Param #", "Mult-Adds"],
            extra: options.extraColumns ? Self.extraTitles : [])
        text += divider
        for row in rows {
            let prefix: String
            switch row.call.depth {
            case 0: prefix = ""
            case 1: prefix = "├─"
            default: prefix = String(repeating: "│    ", count: row.call.depth - 1) + "└─"
            }
            text += torchinfoRow(
                prefix + row.label, [Self.shapeText(row.outputShape), row.parametersText, row.multAddsText],
                extra: options.extraColumns ? Self.extraCells(row.call) : [])
        }
        text += divider
        text += parameterLines
        text += "Total mult-adds\(Self.scaled(totals.multAdds))\n"
        if options.flops { text += "Total FLOPs\(Self.scaled(totals.flops))\n" }
        text += divider
        text += sizeLines()
        text += divider
        return text
    }

    private func renderTorchsummary(_ options: TextOptions) -> String {
        let extraWidth = options.extraColumns ? 4 * 17 : 0
        let dashes = String(repeating: "-", count: 64 + extraWidth) + "\n"
        let equals = String(repeating: "=", count: 64 + extraWidth) + "\n"
        func line(_ a: String, _ b: String, _ c: String, _ extra: [String]) -> String {
            // "{:>20}  {:>25} {:>15}"
            var text = a.leftPadded(to: 20) + "  " + b.leftPadded(to: 25) + " " + c.leftPadded(to: 15)
            for cell in extra { text += " " + cell.leftPadded(to: 16) }
            return text + "\n"
        }
        var text = dashes
        text += line("Layer (type)", "Output Shape", "Param #", options.extraColumns ? Self.extraTitles : [])
        text += equals
        for row in rows {
            text += line(
                row.label, Self.shapeText(row.outputShape), row.parametersText,
                options.extraColumns ? Self.extraCells(row.call) : [])
        }
        text += equals
        text += parameterLines
        if options.flops {
            text += "Total mult-adds\(Self.scaled(totals.multAdds))\n"
            text += "Total FLOPs\(Self.scaled(totals.flops))\n"
        }
        text += dashes
        text += sizeLines()
        text += dashes
        return text
    }

    /// The parameter totals both styles print under the rows.
    private var parameterLines: String {
        "Total params: \(totals.parameters.formatted(groupingSeparator: ","))\n"
            + "Trainable params: \(totals.trainableParameters.formatted(groupingSeparator: ","))\n"
            + "Non-trainable params: "
            + "\((totals.parameters - totals.trainableParameters).formatted(groupingSeparator: ","))\n"
    }

    /// The memory estimates every style prints at the end, each line after `prefix` (Markdown lists them).
    func sizeLines(prefix: String = "") -> String {
        "\(prefix)Input size (MB): \(Self.fixed2(totals.inputMB))\n"
            + "\(prefix)Forward/backward pass size (MB): \(Self.fixed2(totals.forwardBackwardMB))\n"
            + "\(prefix)Params size (MB): \(Self.fixed2(totals.parametersMB))\n"
            + "\(prefix)Estimated Total Size (MB): \(Self.fixed2(totals.totalMB))\n"
    }

    /// Python's `str(list)`: `[1, 64, 112, 112]`; torchinfo prints `--` for an empty shape.
    static func shapeText(_ shape: [Int]) -> String {
        shape.isEmpty ? "--" : shape.shapeDescription
    }

    /// torchinfo's `format_output_num` with automatic units: ` (T): 1.23` from 10^12, ` (G): ...` from 10^9,
    /// else ` (M): ...`; an exact quotient prints as an integer, others with two decimals, both with thousands
    /// separators. (torchinfo 1.8 prints the unit as `Units.GIGABYTES`, a bug; this prints the intended `G`.)
    static func scaled(_ value: Int) -> String {
        let number = Double(value)
        let (unit, quotient) =
            number >= 1e12 ? ("T", number / 1e12) : number >= 1e9 ? ("G", number / 1e9) : ("M", number / 1e6)
        if quotient.rounded(.towardZero) == quotient, abs(quotient) < 9e15 {
            return " (\(unit)): \(Int(quotient).formatted(groupingSeparator: ","))"
        }
        return " (\(unit)): \(grouped(fixed2(quotient)))"
    }

    /// Python's `%0.2f` (the exact binary value rounded half to even, as C's printf does).
    static func fixed2(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// Thousands separators in the integer part of a decimal string, as Python's `{:,.2f}`.
    static func grouped(_ decimal: String) -> String {
        let parts = decimal.split(separator: ".", maxSplits: 1)
        guard let whole = Int(parts[0]) else { return decimal }
        let head = whole == 0 && decimal.hasPrefix("-") ? "-0" : whole.formatted(groupingSeparator: ",")
        return parts.count == 2 ? head + "." + parts[1] : head
    }
}
