import RNXTensor

/// Text and JSON forms of a validation report.
extension Validation {
    /// Human-readable lines, ending with `PASS` or `FAIL` and the reason.
    public var text: String {
        var lines = ["model: \(model) (\(architecture))", "input: \(inputShape.shapeText)"]
        switch mode {
        case .expected(let path): lines.append("reference: \(path) (expected logits)")
        case .against(let path): lines.append("reference: \(path) (same model, other file)")
        case .selfCheck: lines.append("reference: none (self-check)")
        }
        if !recordedAdaptations.isEmpty {
            lines.append("adapted as the .rnw records: " + recordedAdaptations.joined(separator: "; "))
        }
        if let c = comparison {
            lines.append("max abs error: \(c.maxAbsoluteError.scientific)")
            lines.append("relative error: \(c.relativeError.scientific) (tolerance \(relativeTolerance.scientific))")
            lines.append("cosine similarity: \(String(format: "%.8f", c.cosineSimilarity))")
            lines.append("top-1 agreement: \(c.top1Matches)/\(c.samples)")
            lines.append("top-5 agreement: \(c.top5Matches)/\(c.samples)")
        } else {
            lines.append("finite outputs: \(finiteOutputs ? "yes" : "no")")
            lines.append("running variances: " + (badRunningVariances.isEmpty ? "all positive"
                : "not positive in " + badRunningVariances.joined(separator: ", ")))
            lines.append("dead layers: " + (deadLayers.isEmpty ? "none" : deadLayers.joined(separator: ", ")))
        }
        lines.append(engine.text)
        lines.append(kernels.text)
        lines.append(passed ? "PASS" : "FAIL: " + failureReasons.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    /// Why the validation failed (empty when it passed).
    public var failureReasons: [String] {
        var reasons: [String] = []
        if !finiteOutputs { reasons.append("non-finite logits") }
        if let c = comparison {
            if c.relativeError > relativeTolerance {
                reasons.append("relative error \(c.relativeError.scientific) above \(relativeTolerance.scientific)")
            }
            if c.top1Matches < c.samples { reasons.append("top-1 differs for \(c.samples - c.top1Matches) of \(c.samples) samples") }
        } else {
            if !badRunningVariances.isEmpty { reasons.append("\(badRunningVariances.count) non-positive running variances") }
            if !deadLayers.isEmpty { reasons.append("\(deadLayers.count) dead layers") }
        }
        return reasons
    }

    /// One JSON object with every figure, for scripts.
    public var json: String {
        var fields: [String] = [
            "\"model\":\(model.jsonQuoted)",
            "\"architecture\":\(architecture.jsonQuoted)",
            "\"input_shape\":[\(inputShape.map(String.init).joined(separator: ","))]",
        ]
        switch mode {
        case .expected(let path): fields += ["\"mode\":\"expect\"", "\"reference\":\(path.jsonQuoted)"]
        case .against(let path): fields += ["\"mode\":\"against\"", "\"reference\":\(path.jsonQuoted)"]
        case .selfCheck: fields += ["\"mode\":\"self-check\""]
        }
        if !recordedAdaptations.isEmpty {
            fields.append("\"recorded_adaptations\":[\(recordedAdaptations.map(\.jsonQuoted).joined(separator: ","))]")
        }
        if let c = comparison {
            fields += [
                "\"max_abs_error\":\(c.maxAbsoluteError.jsonNumber)",
                "\"relative_error\":\(c.relativeError.jsonNumber)",
                "\"rtol\":\(relativeTolerance.jsonNumber)",
                "\"cosine_similarity\":\(c.cosineSimilarity.jsonNumber)",
                "\"samples\":\(c.samples)",
                "\"top1_agreement\":\(c.top1Matches)",
                "\"top5_agreement\":\(c.top5Matches)",
            ]
        } else {
            fields += [
                "\"bad_running_variances\":[\(badRunningVariances.map(\.jsonQuoted).joined(separator: ","))]",
                "\"dead_layers\":[\(deadLayers.map(\.jsonQuoted).joined(separator: ","))]",
            ]
        }
        fields += ["\"engine\":\(engine.json)", "\"blas\":\(kernels.json)", "\"finite\":\(finiteOutputs)", "\"passed\":\(passed)"]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
