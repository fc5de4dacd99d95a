import RNXCheckpoint

/// The file formats `rnx convert` writes.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `.rnw`: safetensors with rnx's metadata (see `RNWFormat`).
    case rnw
    /// `.pth`: the zip archive `torch.save` writes, with rnx's metadata in an extra record (see `PTHFormat`).
    case pth

    /// The format an output path's extension asks for: `.pth`, `.pt` and `.bin` (transformers' `pytorch_model.bin`)
    /// are torch archives, anything else `.rnw`.
    public static func forPath(_ path: String) -> OutputFormat {
        let lower = path.lowercased()
        return [".pth", ".pt", ".bin"].contains(where: lower.hasSuffix) ? .pth : .rnw
    }

    /// Whether `path` ends in a weight file's extension (`.rnw`, `.safetensors`, `.pth`, `.pt`, `.bin`); `--to hf`
    /// writes any other OUTPUT as a `save_pretrained` directory.
    public static func namesWeightFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".rnw", ".safetensors", ".pth", ".pt", ".bin"].contains(where: lower.hasSuffix)
    }
}

/// rnx's own record inside a `.pth` it writes: `<folder>/rnx/metadata.json`, which torch never reads.
///
/// A JSON object of strings with the `.rnw` metadata keys (`RNWFormat.Key`), `format` being `pth`. `data_sha256`
/// is the SHA-256 of every tensor's bytes in state-dict order (the `data/0`, `data/1`, ... records one after the
/// other), which is also the `data_sha256` of a `.rnw` of the same tensors.
public enum PTHFormat {
    /// The `format` value of the record, telling it from a `.rnw`'s metadata.
    public static let formatName = "pth"
    /// The record's `format_version`; raised only when a reader of version 1 could misread the record.
    public static let version = "1"
    /// The record's name inside the archive folder.
    public static let metadataRecord = TorchZipReader.rnxMetadataRecord

    /// The record's bytes: `{"key":"value",...}` in the order given.
    public static func metadataJSON(_ metadata: [(key: String, value: String)]) -> [UInt8] {
        let body = metadata.map { $0.key.jsonQuoted + ":" + $0.value.jsonQuoted }.joined(separator: ",")
        return Array(("{" + body + "}\n").utf8)
    }
}
