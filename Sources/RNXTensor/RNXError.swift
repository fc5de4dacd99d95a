/// What kind of failure an error is, which decides the command line's exit status.
///
/// The values follow BSD sysexits, so scripts can tell bad input from a missing file from a full disk.
public enum ErrorCategory: Sendable, Hashable {
    /// The input is malformed, unsafe or does not fit (exit 65, EX_DATAERR).
    case badData
    /// The input cannot be opened (exit 66, EX_NOINPUT).
    case cannotOpen
    /// The output cannot be created (exit 73, EX_CANTCREAT).
    case cannotCreate
    /// Reading or writing failed part way (exit 74, EX_IOERR).
    case io
    /// The command line asks for something impossible (exit 64, EX_USAGE).
    case usage
    /// A check ran and did not pass, e.g. `rnx verify` or `rnx validate` (exit 1).
    case checkFailed

    /// The process exit status for this category.
    public var exitStatus: Int32 {
        switch self {
        case .badData: 65
        case .cannotOpen: 66
        case .cannotCreate: 73
        case .io: 74
        case .usage: 64
        case .checkFailed: 1
        }
    }
}

/// An error of one of rnx's libraries: a one-line description and a category.
///
/// Each target has one error enum conforming to this; the command line renders them all in one place.
public protocol RNXError: Error, CustomStringConvertible {
    /// What kind of failure this is; the command line turns it into the exit status.
    var category: ErrorCategory { get }
}

extension TensorError: RNXError {
    /// Always ``ErrorCategory/badData``: a tensor that cannot be built comes from a malformed file.
    public var category: ErrorCategory { .badData }
}
