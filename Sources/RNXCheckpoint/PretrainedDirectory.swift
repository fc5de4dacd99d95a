#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Hugging Face `save_pretrained` directory: `config.json` beside `model.safetensors` or `pytorch_model.bin`.
public enum PretrainedDirectory {
    /// The weight files looked for, in order of preference.
    public static let weightFiles = ["model.safetensors", "pytorch_model.bin"]
    /// The largest `config.json` read.
    public static let maximumConfigBytes = 4 << 20

    /// Whether `path` names a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The weight file inside `directory`.
    ///
    /// - Throws: `CheckpointError.cannotOpen` when it holds neither file (a sharded `model.safetensors.index.json`
    ///   is named as unsupported).
    public static func weightsPath(in directory: String) throws -> String {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for name in weightFiles where access(base + "/" + name, F_OK) == 0 { return base + "/" + name }
        if access(base + "/model.safetensors.index.json", F_OK) == 0 {
            throw CheckpointError.cannotOpen(reason: "a directory of sharded weights (model.safetensors.index.json); "
                + "rnx reads one model.safetensors or pytorch_model.bin")
        }
        throw CheckpointError.cannotOpen(reason: "a directory without model.safetensors or pytorch_model.bin")
    }

    /// `config.json` in `directory`, or nil if there is none.
    public static func config(in directory: String) throws -> [UInt8]? {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let path = base + "/config.json"
        guard access(path, F_OK) == 0 else { return nil }
        let file = try RandomAccessFile(path: path)
        guard file.size <= maximumConfigBytes else {
            throw CheckpointError.recordTooLarge(entry: "config.json", size: file.size, limit: maximumConfigBytes)
        }
        return try file.read(offset: 0, count: file.size)
    }
}
