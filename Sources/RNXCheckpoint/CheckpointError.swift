import RNXTensor

/// Everything that can go wrong while reading or writing a checkpoint file.
///
/// Cases carry the offset, key or shape involved so the one-line message can say exactly what is wrong.
public enum CheckpointError: Error, Equatable, Sendable {
    /// The file does not exist or cannot be opened for reading.
    case cannotOpen(reason: String)
    /// Reading failed part way (not a format problem).
    case readFailed(reason: String)
    /// The file's first bytes match no format rnx reads.
    case unrecognizedFormat
}

extension CheckpointError: RNXError {
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen: .cannotOpen
        case .readFailed: .io
        case .unrecognizedFormat: .badData
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot open: \(reason)"
        case .readFailed(let reason): "read failed: \(reason)"
        case .unrecognizedFormat: "not a PyTorch checkpoint or safetensors file (unrecognized format)"
        }
    }
}
