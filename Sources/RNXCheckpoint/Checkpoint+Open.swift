import RNXPickle
import RNXTensor

extension Checkpoint {
    /// Opens any checkpoint rnx reads, choosing the reader from the file's first bytes (never its name).
    ///
    /// Only the directory, the pickle or the header is read here; tensors are read by `loadTensor(at:)`.
    /// Errors: `.cannotOpen` (missing or unreadable file), `.readFailed` (I/O), `.unrecognizedFormat` and the
    /// other `CheckpointError` cases for malformed or refused data, `PickleError` for a refused or broken pickle.
    /// `limits` bound the pickle machine (torch formats only); raise them for a real file that needs more.
    /// `selection` says which dict of tensors is the model (`--key`, or chosen among all; see `StateDictSelection`).
    ///
    /// A directory is read as a Hugging Face `save_pretrained` directory: its weight file is opened and its
    /// `config.json` kept as `companionConfig`; so is the `transformers_config` metadata of a bare transformers
    /// file rnx wrote.
    public static func open(
        path: String, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Checkpoint {
        if PretrainedDirectory.isDirectory(path) {
            var checkpoint = try open(
                path: PretrainedDirectory.weightsPath(in: path), limits: limits, selection: selection)
            checkpoint.companionConfig = try PretrainedDirectory.config(in: path)
            return checkpoint
        }
        var checkpoint: Checkpoint
        switch try sniff(path: path) {
        case .torchZip: checkpoint = try TorchZipReader.read(path: path, limits: limits, selection: selection)
        case .torchLegacy: checkpoint = try TorchLegacyReader.read(path: path, limits: limits, selection: selection)
        case .torchTar: checkpoint = try TorchTarReader.read(path: path, limits: limits, selection: selection)
        case .safetensors:
            // One flat state dict: there is nothing for --key to choose.
            if let key = selection.key { throw CheckpointError.keyNotFound(key: key, available: []) }
            checkpoint = try SafetensorsReader.read(path: path)
        }
        // A bare transformers file rnx wrote carries the config.json of its directory (`.pth` metadata as rnx.KEY).
        let key = RNWFormat.Key.transformersConfig
        if let text = checkpoint.details.metadata[key] ?? checkpoint.details.metadata["rnx." + key] {
            checkpoint.companionConfig = Array(text.utf8)
        }
        return checkpoint
    }

    /// The format the file's first bytes announce.
    ///
    /// zip: `PK\3\4` (or `PK\5\6`, an empty archive); legacy: a pickle (`0x80` PROTO) whose first value is torch's
    /// magic number is checked by the reader; tar: `ustar` at byte 257 of the first header; safetensors: an 8-byte
    /// little-endian header length, then `{`.
    public static func sniff(path: String) throws -> CheckpointFormat {
        let file = try RandomAccessFile(path: path)
        let head = try file.read(offset: 0, count: min(TarArchive.blockSize, file.size))
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .torchZip
        }
        // safetensors first: a header length whose low byte is 0x80 (128, 384, 640, ... bytes) starts like a pickle;
        // a legacy file's ninth byte is part of torch's magic number (0xF9), never `{`.
        if head.count >= 9 && head[8] == UInt8(ascii: "{") { return .safetensors }  // the reader checks the length
        if head.count >= 2 && head[0] == 0x80 && head[1] <= 5 { return .torchLegacy }
        // A tar name never starts with 0x80 (a UTF-8 continuation byte), so a legacy pickle is never taken for one.
        if head.count == TarArchive.blockSize && head[257..<262].elementsEqual("ustar".utf8) { return .torchTar }
        throw CheckpointError.unrecognizedFormat
    }
}
