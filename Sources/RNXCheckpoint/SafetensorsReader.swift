import Foundation
import RNXTensor

/// Reads safetensors files (and rnx's `.rnw`, which is safetensors) strictly and lazily.
///
/// Everything the header claims is validated before a single tensor is exposed, as huggingface/safetensors does:
/// the header length fits the file and the 100 MB limit, the header is one JSON object without duplicate keys,
/// every entry has a known dtype, a shape and data offsets whose span equals dtype size × element count, and the
/// offsets, sorted, tile the data section exactly (no overlap, no hole, no trailing byte). Tensor bytes are then
/// read one tensor at a time with `pread`, so a converter or verifier needs memory for one tensor only.
public enum SafetensorsReader {
    /// The largest header safetensors accepts (its `MAX_HEADER_SIZE`).
    public static let maxHeaderLength = 100_000_000

    /// Opens `path` as a lazy checkpoint whose tensors are in data-offset order.
    public static func read(path: String) throws -> Checkpoint {
        let layout = try readLayout(path: path)
        let file = layout.file
        let dataOffset = layout.dataOffset
        let entries = layout.entries
        return Checkpoint(
            path: path, format: .safetensors, descriptors: entries.map(\.descriptor),
            details: CheckpointDetails(metadata: layout.metadata, dataOffset: dataOffset),
            loader: { index in
                let entry = entries[index]
                let bytes = try file.read(offset: dataOffset + entry.dataRange.lowerBound, count: entry.dataRange.count)
                return try Tensor(dtype: entry.descriptor.dtype, shape: entry.descriptor.shape, bytes: bytes)
            })
    }

    /// Opens and validates `path`, returning where everything is without reading any tensor data.
    public static func readLayout(path: String) throws -> SafetensorsLayout {
        let file = try RandomAccessFile(path: path)
        let fileSize = file.size
        guard fileSize >= 8 else { throw CheckpointError.safetensorsTooShort(size: fileSize) }
        let lengthBytes = try file.read(offset: 0, count: 8)
        let length = lengthBytes.withUnsafeBytes { $0.loadLE(UInt64.self, at: 0) }
        if length > UInt64(maxHeaderLength) {
            throw CheckpointError.safetensorsHeaderTooLarge(length: length, limit: maxHeaderLength)
        }
        let headerLength = Int(length)  // at most 100 MB, so it fits
        guard headerLength <= fileSize - 8 else {
            throw CheckpointError.safetensorsHeaderPastEnd(length: length, fileSize: fileSize)
        }
        let header = try file.read(offset: 8, count: headerLength)
        let dataOffset = 8 + headerLength
        let parsed = try SafetensorsHeader.parse(header, dataSize: fileSize - dataOffset)
        return SafetensorsLayout(
            path: path, fileSize: fileSize, headerLength: headerLength, entries: parsed.entries,
            metadata: parsed.metadata, metadataKeys: parsed.metadataKeys, file: file)
    }
}

/// Where a validated safetensors file keeps its header and each tensor's bytes.
public struct SafetensorsLayout: Sendable {
    /// One tensor: what it is and which bytes of the data section hold it.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name, dtype and shape from the header.
        public var descriptor: TensorDescriptor
        /// Byte range relative to the start of the data section (safetensors `data_offsets`).
        public var dataRange: Range<Int>
    }

    /// The file's path, as given.
    public let path: String
    /// The file's size in bytes when it was opened; every data range was checked against it.
    public let fileSize: Int
    /// The JSON header's length in bytes (including any padding spaces).
    public let headerLength: Int
    /// The tensors sorted by data offset (header order among zero-size tensors at the same offset).
    public let entries: [Entry]
    /// The `__metadata__` string map (empty if absent).
    public let metadata: [String: String]
    /// The `__metadata__` keys in header order.
    public let metadataKeys: [String]
    let file: RandomAccessFile

    /// Absolute file offset where the data section starts.
    public var dataOffset: Int { 8 + headerLength }
    /// Bytes in the data section.
    public var dataSize: Int { fileSize - dataOffset }
}
