import RNXTensor

/// Everything that can go wrong while building or writing an ONNX graph (reading and mapping errors come from
/// `CheckpointError` and `ArchError`).
public enum ExportError: Error, Equatable, Sendable {
    /// `--opset` outside the range rnx writes.
    case unsupportedOpset(Int)
    /// A module kind the ONNX graph builder has no rule for (e.g. a block kind added to the architecture layer).
    case unsupportedModule(path: String, type: String)
    /// A module tree whose shape the builder does not expect (e.g. a convolution without its BatchNorm).
    case unexpectedTree(path: String, reason: String)
    /// A tensor the graph needs is missing or has another shape than the module tree says.
    case weightMismatch(name: String, reason: String)
    /// Writing the ONNX file or its external data failed.
    case writeFailed(reason: String)
    /// An ONNX file rnx is asked to verify cannot be parsed as a ModelProto.
    case unreadableModel(reason: String)
    /// An ONNX graph whose values are not each defined once before use (or without an opset).
    case malformedGraph(String)
    /// An initializer of an ONNX file whose type, dims or bytes (inline or external) are not what they claim.
    case badInitializer(name: String, reason: String)
    /// The initializers' SHA-256 differs from the `data_sha256` the metadata records.
    case dataDigestMismatch(found: String, recorded: String)
}

extension ExportError: RNXError {
    /// `.usage` for an opset rnx does not write, `.io` for a failed write, `.badData` for weights or a model
    /// that do not fit the graph.
    public var category: ErrorCategory {
        switch self {
        case .unsupportedOpset: .usage
        case .writeFailed: .io
        default: .badData
        }
    }

    /// One line naming the module path, tensor or opset and the problem.
    public var description: String {
        switch self {
        case .unsupportedOpset(let opset):
            "--opset must be between \(ONNXGraph.opsets.lowerBound) and \(ONNXGraph.opsets.upperBound), got \(opset)"
        case .unsupportedModule(let path, let type):
            "cannot export \(path.isEmpty ? "the model" : "'\(path)'") to ONNX: no ONNX rule for module type \(type)"
        case .unexpectedTree(let path, let reason): "cannot export '\(path)' to ONNX: \(reason)"
        case .weightMismatch(let name, let reason): "tensor '\(name)': \(reason)"
        case .writeFailed(let reason): "writing ONNX failed: \(reason)"
        case .unreadableModel(let reason): "not an ONNX model: \(reason)"
        case .malformedGraph(let reason): reason
        case .badInitializer(let name, let reason): "initializer '\(name)': \(reason)"
        case .dataDigestMismatch(let found, let recorded):
            "data SHA-256 \(found) does not match data_sha256 \(recorded) in the metadata"
        }
    }
}
