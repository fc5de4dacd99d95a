import Foundation
import RNXTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a safetensors file tensor by tensor, in one pass.
///
/// The header (metadata first, then tensors in the given order) is written up front, padded with spaces so the
/// data starts 64-byte aligned. Metadata values only known at the end (the SHA-256 of the data section, which the
/// caller computes alongside, or of the input) are reserved: written as 64 zeros and patched in place by `finish`.
/// The writer does no hashing itself, so the caller can hash on another core while the next tensor is read.
public final class SafetensorsWriter {
    /// What `finish()` reports.
    public struct Result: Sendable, Equatable {
        /// The whole file's size in bytes.
        public var fileSize: Int
        /// The data section's size: every tensor's bytes.
        public var dataSize: Int
        /// The JSON header's length in bytes, padding included.
        public var headerLength: Int
    }

    /// Data starts at a multiple of this many bytes from the start of the file.
    public static let alignment = 64

    private let output: OutputFile
    /// Whether `finish` commits the output (it was created here from a path) or leaves that to the caller.
    private let commitsOutput: Bool
    private let descriptors: [TensorDescriptor]
    private var next = 0
    private let headerLength: Int
    private let dataSize: Int
    private let reservedOffsets: [String: Int]

    /// Creates `path` (which must not exist) and writes the header for `descriptors`; `finish` commits it, and
    /// until then (or if the writer is released unfinished) nothing is at `path`.
    ///
    /// - Parameters:
    ///   - path: the file to create.
    ///   - descriptors: the tensors, in the order `write(_:)` will be called.
    ///   - metadata: `__metadata__` entries, in order.
    ///   - reservedKeys: keys of `metadata` whose 64-character values are only known at the end (e.g. a
    ///     digest of the data section or of the input, computed alongside); `finish(patches:)` fills them in.
    public convenience init(
        path: String, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        reservedKeys: [String] = []
    ) throws {
        try self.init(
            output: try OutputFile(path: path), descriptors: descriptors, metadata: metadata,
            reservedKeys: reservedKeys, commits: true)
    }

    /// Writes the header for `descriptors` into `output`; `finish` leaves committing it to the caller.
    public convenience init(
        output: OutputFile, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        reservedKeys: [String] = []
    ) throws {
        try self.init(
            output: output, descriptors: descriptors, metadata: metadata, reservedKeys: reservedKeys, commits: false)
    }

    private init(
        output: OutputFile, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        reservedKeys: [String], commits: Bool
    ) throws {
        var names = Set<String>()
        for descriptor in descriptors where !names.insert(descriptor.name).inserted {
            throw CheckpointError.writeFailed(reason: "tensor name '\(descriptor.name)' appears twice")
        }
        var header = Array("{".utf8)
        var reserved: [String: Int] = [:]
        if !metadata.isEmpty {
            header += Array("\"__metadata__\":{".utf8)
            for (index, item) in metadata.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                header += Array((item.key.jsonQuoted + ":").utf8)
                if reservedKeys.contains(item.key) {
                    reserved[item.key] = 8 + header.count + 1
                    header += Array(String(repeating: "0", count: 64).jsonQuoted.utf8)
                } else {
                    header += Array(item.value.jsonQuoted.utf8)
                }
            }
            header.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for (index, tensor) in descriptors.enumerated() {
            if index > 0 || !metadata.isEmpty { header.append(UInt8(ascii: ",")) }
            let end = offset + tensor.byteCount
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header += Array(
                (tensor.name.jsonQuoted
                    + ":{\"dtype\":\"\(tensor.dtype.safetensorsCode)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(end)]}").utf8)
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        let padding = (SafetensorsWriter.alignment - (8 + header.count) % SafetensorsWriter.alignment)
            % SafetensorsWriter.alignment
        header += [UInt8](repeating: UInt8(ascii: " "), count: padding)

        self.output = output
        self.commitsOutput = commits
        self.descriptors = descriptors
        self.headerLength = header.count
        self.dataSize = offset
        self.reservedOffsets = reserved
        var prefix = [UInt8]()
        prefix.appendLittleEndian(UInt64(header.count))
        try output.write(prefix + header)
    }

    /// Appends the next tensor; it must match the next descriptor's dtype and shape.
    public func write(_ tensor: Tensor) throws {
        guard next < descriptors.count else {
            throw CheckpointError.writeFailed(reason: "more tensors than the header lists")
        }
        let expected = descriptors[next]
        guard tensor.dtype == expected.dtype, tensor.shape == expected.shape else {
            throw CheckpointError.writeFailed(
                reason: "tensor '\(expected.name)' is \(tensor.dtype.shortName) \(tensor.shape.shapeDescription), "
                    + "the header says \(expected.dtype.shortName) \(expected.shape.shapeDescription)")
        }
        try output.write(tensor.bytes)
        next += 1
    }

    /// Patches the reserved values (64 printable ASCII characters each); commits the output if the writer
    /// created it from a path (else the caller commits the `OutputFile` it passed).
    public func finish(patches: [String: String] = [:]) throws -> Result {
        guard next == descriptors.count else {
            throw CheckpointError.writeFailed(reason: "\(descriptors.count - next) tensors were never written")
        }
        var writes: [(Int, String)] = []
        for (key, offset) in reservedOffsets {
            guard let value = patches[key], value.utf8.count == 64,
                  value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
            else { throw CheckpointError.writeFailed(reason: "no 64-character value for reserved key '\(key)'") }
            writes.append((offset, value))
        }
        for (offset, value) in writes { try output.write(Array(value.utf8), at: offset) }
        if commitsOutput { try output.commit() }
        return Result(fileSize: 8 + headerLength + dataSize, dataSize: dataSize, headerLength: headerLength)
    }
}

