import RNXArch
import RNXTensor

/// Machine-readable and Markdown renderings: every row, every column, numbers without separators.
extension SummaryTable {
    /// An output format of `rnx summary`.
    public enum Format: String, Sendable, CaseIterable {
        /// torchinfo's or torchsummary's table, byte for byte.
        case text
        /// One JSON object: every row and column, numbers without separators, for programs.
        case json
        /// One line per row with a header line, for spreadsheets.
        case csv
        /// A Markdown table, for READMEs and issues.
        case markdown
    }

    /// The table in `format`, ending with a newline.
    public func render(_ format: Format, options: TextOptions = TextOptions(), architecture: String) -> String {
        switch format {
        case .text: renderText(options) + unfittingList(architecture: architecture, bullet: "  ")
        case .json: renderJSON(architecture: architecture)
        case .csv: renderCSV()
        case .markdown: renderMarkdown(options) + unfittingList(architecture: architecture, bullet: "- ")
        }
    }

    /// The tensors of a file that do not fit, one per line, after a title; empty when all fit.
    func unfittingList(architecture: String, bullet: String) -> String {
        var text = ""
        if !unfittingTensors.isEmpty {
            text += "\nTensors that do not fit the architecture (\(unfittingTensors.count)):\n"
            for tensor in unfittingTensors { text += bullet + tensor.description + "\n" }
        }
        if !missingTensors.isEmpty {
            text += "\nTensors of the architecture missing from the file (\(missingTensors.count)):\n"
            for name in missingTensors { text += bullet + name + "\n" }
        }
        return text
    }

    private static func extent(_ value: Extent?) -> String {
        value.map { "[\($0.height), \($0.width)]" } ?? "null"
    }

    /// A JSON object per row; `params` and `mult_adds` are the numbers the text shows (0 for `--`), so each
    /// column sums to the total; `output_shape` has the batch as printed.
    public func renderJSON(architecture: String) -> String {
        let input = trace.input
        var text = "{\n"
        text += "  \"architecture\": \(architecture.jsonQuoted),\n"
        text += "  \"style\": \"\(style.rawValue)\",\n"
        text += "  \"input\": [\(input.batchSize), \(input.channels), \(input.height), \(input.width)],\n"
        text += "  \"depth\": \(depth),\n"
        text += "  \"rows\": [\n"
        let lines = rows.map { row -> String in
            let call = row.call
            let fields = [
                "\"layer\": \(row.label.jsonQuoted)",
                "\"type\": \(call.typeName.jsonQuoted)",
                "\"name\": \(call.path.jsonQuoted)",
                "\"depth\": \(call.depth)",
                "\"output_shape\": [\(row.outputShape.map(String.init).joined(separator: ", "))]",
                "\"params\": \(row.parameters)",
                "\"mult_adds\": \(row.multAdds)",
                "\"kernel\": \(Self.extent(call.kernel))",
                "\"stride\": \(Self.extent(call.stride))",
                "\"receptive_field\": \(Self.extent(call.receptiveField))",
                "\"jump\": \(Self.extent(call.jump))",
            ]
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        text += lines.joined(separator: ",\n") + "\n  ],\n"
        text += "  \"total_params\": \(totals.parameters),\n"
        text += "  \"trainable_params\": \(totals.trainableParameters),\n"
        text += "  \"non_trainable_params\": \(totals.parameters - totals.trainableParameters),\n"
        text += "  \"total_mult_adds\": \(totals.multAdds),\n"
        text += "  \"flops\": \(totals.flops),\n"
        text += "  \"input_size_mb\": \(Self.fixed2(totals.inputMB)),\n"
        text += "  \"forward_backward_pass_size_mb\": \(Self.fixed2(totals.forwardBackwardMB)),\n"
        text += "  \"params_size_mb\": \(Self.fixed2(totals.parametersMB)),\n"
        text += "  \"estimated_total_size_mb\": \(Self.fixed2(totals.totalMB)),\n"
        let unfitting = unfittingTensors.map { tensor in
            "    {\"name\": \(tensor.name.jsonQuoted), \"dtype\": \"\(tensor.dtype.shortName)\", "
                + "\"shape\": [\(tensor.shape.map(String.init).joined(separator: ", "))], \"expected_shape\": "
                + (tensor.expectedShape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "null") + "}"
        }
        text += "  \"unfitting_tensors\": [" + (unfitting.isEmpty ? "" : "\n" + unfitting.joined(separator: ",\n") + "\n  ")
            + "],\n"
        text += "  \"missing_tensors\": [" + missingTensors.map(\.jsonQuoted).joined(separator: ", ") + "]\n"
        text += "}\n"
        return text
    }

    /// One CSV line per row with a header; shapes are `x`-joined (`1x64x112x112`), absent kernels empty.
    public func renderCSV() -> String {
        var text =
            "layer,type,name,depth,output_shape,params,mult_adds,kernel_h,kernel_w,stride_h,stride_w,"
            + "receptive_field_h,receptive_field_w,jump_h,jump_w\n"
        func pair(_ value: Extent?) -> String { value.map { "\($0.height),\($0.width)" } ?? "," }
        for row in rows {
            let call = row.call
            let cells = [
                Self.csvField(row.label), call.typeName, call.path, String(call.depth),
                row.outputShape.map(String.init).joined(separator: "x"), String(row.parameters),
                String(row.multAdds), pair(call.kernel), pair(call.stride), pair(call.receptiveField),
                pair(call.jump),
            ]
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }

    /// A Markdown table (module path beside the label) and the footer as a list.
    public func renderMarkdown(_ options: TextOptions) -> String {
        var titles = ["Layer", "Name", "Output Shape", "Param #"]
        if style == .torchinfo { titles.append("Mult-Adds") }
        if options.extraColumns { titles += Self.extraTitles }
        var text = "| " + titles.joined(separator: " | ") + " |\n"
        text += "|" + titles.map { _ in " --- |" }.joined() + "\n"
        for row in rows {
            var cells = [
                row.label, row.call.path.isEmpty ? "" : "`\(row.call.path)`", Self.shapeText(row.outputShape),
                row.parametersText,
            ]
            if style == .torchinfo { cells.append(row.multAddsText) }
            if options.extraColumns { cells += Self.extraCells(row.call) }
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n"
        text += "- Total params: \(totals.parameters.formatted(groupingSeparator: ","))\n"
        text += "- Trainable params: \(totals.trainableParameters.formatted(groupingSeparator: ","))\n"
        text += "- Total mult-adds\(Self.scaled(totals.multAdds))\n"
        if options.flops { text += "- Total FLOPs\(Self.scaled(totals.flops))\n" }
        text += sizeLines(prefix: "- ")
        return text
    }


    static func csvField(_ value: String) -> String {
        value.contains(",") || value.contains("\"") ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            : value
    }
}
