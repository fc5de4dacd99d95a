import Crypto
import Foundation
import RNXTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a safetensors file tensor by tensor, hashing the data section as it goes.
///
/// The header (metadata first, then tensors in the given order) is written up front, padded with spaces so the
/// data starts 64-byte aligned. A metadata value may be reserved for the data section's SHA-256: it is written as
/// 64 zeros and patched in place by `finish()`, once every byte has been hashed, so the file is written in one pass.
public final class SafetensorsWriter {
    /// What `finish()` reports.
    public struct Result: Sendable, Equatable {
        /// Lowercase hex SHA-256 of the data section (every byte after the header).
        public var dataSHA256: String
        public var fileSize: Int
        public var dataSize: Int
        public var headerLength: Int
    }

    /// Data starts at a multiple of this many bytes from the start of the file.
    public static let alignment = 64

    private let path: String
    private var descriptor: Int32
    private let descriptors: [TensorDescriptor]
    private var next = 0
    private var hasher = SHA256()
    private let headerLength: Int
    private let dataSize: Int
    private let digestOffset: Int?
    private let reservedOffsets: [String: Int]

    /// Creates `path` (which must not exist) and writes the header for `descriptors`.
    ///
    /// - Parameters:
    ///   - dataDigestKey: a key of `metadata` whose value `finish()` sets to the data section's SHA-256.
    ///   - reservedKeys: keys of `metadata` whose 64-character values are only known at the end (e.g. a digest of
    ///     the input computed alongside); `finish(patches:)` fills them in.
    public init(
        path: String, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        dataDigestKey: String? = nil, reservedKeys: [String] = []
    ) throws {
        var names = Set<String>()
        for descriptor in descriptors where !names.insert(descriptor.name).inserted {
            throw CheckpointError.writeFailed(reason: "tensor name '\(descriptor.name)' appears twice")
        }
        var header = Array("{".utf8)
        var digestOffset: Int?
        var reserved: [String: Int] = [:]
        if !metadata.isEmpty {
            header += Array("\"__metadata__\":{".utf8)
            for (index, item) in metadata.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                header += Array((SafetensorsWriter.jsonString(item.key) + ":").utf8)
                if item.key == dataDigestKey {
                    digestOffset = header.count + 1
                    header += Array(SafetensorsWriter.jsonString(String(repeating: "0", count: 64)).utf8)
                } else if reservedKeys.contains(item.key) {
                    reserved[item.key] = 8 + header.count + 1
                    header += Array(SafetensorsWriter.jsonString(String(repeating: "0", count: 64)).utf8)
                } else {
                    header += Array(SafetensorsWriter.jsonString(item.value).utf8)
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
                (SafetensorsWriter.jsonString(tensor.name)
                    + ":{\"dtype\":\"\(tensor.dtype.safetensorsCode)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(end)]}").utf8)
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        let padding = (SafetensorsWriter.alignment - (8 + header.count) % SafetensorsWriter.alignment)
            % SafetensorsWriter.alignment
        header += [UInt8](repeating: UInt8(ascii: " "), count: padding)

        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.cannotCreate(reason: String(cString: strerror(errno))) }
        self.path = path
        self.descriptor = fd
        self.descriptors = descriptors
        self.headerLength = header.count
        self.dataSize = offset
        self.digestOffset = digestOffset.map { 8 + $0 }
        self.reservedOffsets = reserved
        var prefix = [UInt8]()
        prefix.appendLittleEndian(UInt64(header.count))
        try writeAll(prefix + header)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
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
        hasher.update(data: tensor.bytes)
        try writeAll(tensor.bytes)
        next += 1
    }

    /// Patches the data digest and the reserved values (64 printable ASCII characters each), syncs and closes.
    public func finish(patches: [String: String] = [:]) throws -> Result {
        guard next == descriptors.count else {
            throw CheckpointError.writeFailed(reason: "\(descriptors.count - next) tensors were never written")
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        var writes: [(Int, String)] = digestOffset.map { [($0, digest)] } ?? []
        for (key, offset) in reservedOffsets {
            guard let value = patches[key], value.utf8.count == 64,
                  value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
            else { throw CheckpointError.writeFailed(reason: "no 64-character value for reserved key '\(key)'") }
            writes.append((offset, value))
        }
        for (offset, value) in writes {
            let bytes = Array(value.utf8)
            let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, bytes.count, off_t(offset)) }
            guard written == bytes.count else { throw CheckpointError.writeFailed(reason: errnoText()) }
        }
        guard fsync(descriptor) == 0 else { throw CheckpointError.writeFailed(reason: errnoText()) }
        let status = close(descriptor)
        descriptor = -1
        guard status == 0 else { throw CheckpointError.writeFailed(reason: errnoText()) }
        return Result(
            dataSHA256: digest, fileSize: 8 + headerLength + dataSize, dataSize: dataSize, headerLength: headerLength)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.writeFailed(reason: errnoText())
            }
            done += count
        }
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else verbatim UTF-8.
    static func jsonString(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// `write(2)`, named apart from `SafetensorsWriter.write(_:)`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}
