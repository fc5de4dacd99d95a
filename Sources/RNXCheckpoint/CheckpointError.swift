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

    // NumPy `.npy` files (inputs and outputs of `rnx run` and `rnx validate`).
    /// The file does not start with `\x93NUMPY`.
    case npyBadMagic
    /// A format version other than 1.0, 2.0 or 3.0.
    case npyUnsupportedVersion(major: Int, minor: Int)
    /// The file ends before the header does.
    case npyTruncatedHeader(needed: Int, found: Int)
    /// The header is not the dict numpy writes (`{'descr': ..., 'fortran_order': ..., 'shape': (...), }`).
    case npyMalformedHeader(offset: Int, reason: String)
    /// An element type other than little-endian float32 (`<f4`) or float64 (`<f8`).
    case npyUnsupportedDType(String)
    /// A shape whose element or byte count overflows.
    case npyInvalidShape([Int])
    /// The data after the header is not exactly shape × element size bytes.
    case npyDataSizeMismatch(shape: [Int], expected: Int, found: Int)
    /// An `.npy` output file cannot be written.
    case npyCannotCreate(reason: String)
}

extension CheckpointError: RNXError {
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen: .cannotOpen
        case .readFailed: .io
        case .unrecognizedFormat: .badData
        case .npyBadMagic, .npyUnsupportedVersion, .npyTruncatedHeader, .npyMalformedHeader, .npyUnsupportedDType,
            .npyInvalidShape, .npyDataSizeMismatch:
            .badData
        case .npyCannotCreate: .cannotCreate
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot open: \(reason)"
        case .readFailed(let reason): "read failed: \(reason)"
        case .unrecognizedFormat: "not a PyTorch checkpoint or safetensors file (unrecognized format)"
        case .npyBadMagic: "not a NumPy .npy file (no \\x93NUMPY magic)"
        case .npyUnsupportedVersion(let major, let minor): "unsupported .npy format version \(major).\(minor)"
        case .npyTruncatedHeader(let needed, let found):
            ".npy header truncated: needs \(needed) bytes, file has \(found)"
        case .npyMalformedHeader(let offset, let reason): "malformed .npy header at offset \(offset): \(reason)"
        case .npyUnsupportedDType(let descr):
            "unsupported .npy dtype '\(descr)' (expected little-endian float32 '<f4' or float64 '<f8')"
        case .npyInvalidShape(let shape): "invalid .npy shape \(shape.shapeDescription) (element count overflows)"
        case .npyDataSizeMismatch(let shape, let expected, let found):
            ".npy data of shape \(shape.shapeDescription) needs \(expected) bytes, found \(found)"
        case .npyCannotCreate(let reason): "cannot create: \(reason)"
        }
    }
}
