import RNXTensor

/// Everything that can go wrong in the convert and verify pipelines themselves (reading and mapping errors come
/// from `CheckpointError` and `ArchError`).
public enum ConvertError: Error, Equatable, Sendable {
    /// The output exists and `--force` was not given.
    case outputExists(path: String)
    /// The output names the input file (it would be replaced, and the input is never modified).
    case outputIsInput(path: String)
    /// The output (or its temporary file) cannot be created.
    case cannotCreate(path: String, reason: String)
    /// Writing or renaming the output failed part way; nothing was left behind.
    case writeFailed(path: String, reason: String)
    /// `--sha256` is not 64 hexadecimal digits.
    case invalidDigest(String)
    /// `--classes @file` names a file that cannot be read, or a line that is not an index.
    case invalidClassList(String)
}

extension ConvertError: RNXError {
    /// `.cannotCreate` for outputs that cannot be made, `.io` for writes that failed
    /// part way, `.usage` for bad `--sha256` and `--classes` values.
    public var category: ErrorCategory {
        switch self {
        case .outputExists, .cannotCreate: .cannotCreate
        case .writeFailed: .io
        case .outputIsInput, .invalidDigest, .invalidClassList: .usage
        }
    }

    /// One line naming the file or value and the problem, saying when nothing was written.
    public var description: String {
        switch self {
        case .outputExists: "output exists (use --force to replace it)"
        case .outputIsInput(let path): "output \(path) is the input file; rnx never modifies its input"
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .writeFailed(let path, let reason): "writing \(path) failed: \(reason); nothing was written"
        case .invalidDigest(let text): "--sha256 '\(text)' is not a SHA-256 (64 hexadecimal digits)"
        case .invalidClassList(let reason): "--classes: \(reason)"
        }
    }
}
