import RNXCheckpoint

/// Opens the input of `rnx convert` and `rnx verify`.
public enum InputFile {
    /// The checkpoint at `path`, whatever its format.
    public static func open(_ path: String) throws -> Checkpoint {
        try Checkpoint.open(path: path)
    }
}
