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

    // safetensors and .rnw (offsets are absolute file offsets unless named data offsets)
    /// The file is shorter than the 8-byte header length.
    case safetensorsTooShort(size: Int)
    /// The header length field points past the end of the file.
    case safetensorsHeaderPastEnd(length: UInt64, fileSize: Int)
    /// The header length field is over the 100 MB limit safetensors itself enforces.
    case safetensorsHeaderTooLarge(length: UInt64, limit: Int)
    /// The header is not a JSON object (reason from the parser).
    case safetensorsHeaderInvalid(reason: String)
    /// The same key appears twice in the header (JSON parsers would silently keep one).
    case safetensorsDuplicateKey(String)
    /// A tensor entry (or `__metadata__`) is malformed.
    case safetensorsInvalidEntry(key: String, reason: String)
    /// A tensor's dtype code is not a safetensors dtype.
    case safetensorsUnknownDType(key: String, code: String)
    /// A tensor's byte span does not equal its dtype size times its element count.
    case safetensorsSpanMismatch(key: String, expected: Int, found: Int)
    /// A tensor starts before the previous one ends (data offset).
    case safetensorsOverlap(key: String, offset: Int)
    /// Bytes between two tensors belong to none (data offset where the hole starts).
    case safetensorsHole(key: String, offset: Int)
    /// A tensor ends past the end of the data section.
    case safetensorsPastEnd(key: String, end: Int, dataSize: Int)
    /// Bytes after the last tensor belong to none (data offset where they start).
    case safetensorsTrailingBytes(offset: Int, count: Int)
    /// The output file cannot be created.
    case cannotCreate(reason: String)
    /// Writing the output failed part way.
    case writeFailed(reason: String)
}

extension CheckpointError: RNXError {
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen: .cannotOpen
        case .readFailed, .writeFailed: .io
        case .cannotCreate: .cannotCreate
        case .unrecognizedFormat: .badData
        case .safetensorsTooShort, .safetensorsHeaderPastEnd, .safetensorsHeaderTooLarge, .safetensorsHeaderInvalid,
            .safetensorsDuplicateKey, .safetensorsInvalidEntry, .safetensorsUnknownDType, .safetensorsSpanMismatch,
            .safetensorsOverlap, .safetensorsHole, .safetensorsPastEnd, .safetensorsTrailingBytes:
            .badData
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot open: \(reason)"
        case .readFailed(let reason): "read failed: \(reason)"
        case .cannotCreate(let reason): "cannot create: \(reason)"
        case .writeFailed(let reason): "write failed: \(reason)"
        case .unrecognizedFormat: "not a PyTorch checkpoint or safetensors file (unrecognized format)"
        case .safetensorsTooShort(let size):
            "safetensors: file of \(size) bytes is too short for the 8-byte header length"
        case .safetensorsHeaderPastEnd(let length, let fileSize):
            "safetensors: header length \(length) at offset 0 points past the end of the file (\(fileSize) bytes)"
        case .safetensorsHeaderTooLarge(let length, let limit):
            "safetensors: header length \(length) at offset 0 is over the limit of \(limit) bytes"
        case .safetensorsHeaderInvalid(let reason):
            "safetensors: header at offset 8 is not a JSON object: \(reason)"
        case .safetensorsDuplicateKey(let key):
            "safetensors: key '\(key)' appears twice in the header"
        case .safetensorsInvalidEntry(let key, let reason):
            "safetensors: entry '\(key)': \(reason)"
        case .safetensorsUnknownDType(let key, let code):
            "safetensors: tensor '\(key)': unknown dtype '\(code)'"
        case .safetensorsSpanMismatch(let key, let expected, let found):
            "safetensors: tensor '\(key)': dtype and shape need \(expected) bytes, data_offsets span \(found)"
        case .safetensorsOverlap(let key, let offset):
            "safetensors: tensor '\(key)' at data offset \(offset) overlaps the previous tensor"
        case .safetensorsHole(let key, let offset):
            "safetensors: hole at data offset \(offset): no tensor covers the bytes before '\(key)'"
        case .safetensorsPastEnd(let key, let end, let dataSize):
            "safetensors: tensor '\(key)' ends at data offset \(end), past the end of the data (\(dataSize) bytes)"
        case .safetensorsTrailingBytes(let offset, let count):
            "safetensors: \(count) trailing bytes at data offset \(offset) belong to no tensor"
        }
    }
}
