import Foundation
import RNXTensor

/// Writing `.npy` files: little-endian float32, C order, the version-1 header numpy itself writes.
extension NumpyArray {
    /// The bytes of a `.npy` file holding this array; the header is padded so the data starts 64-byte aligned.
    public var npyBytes: [UInt8] {
        var bytes = npyHeader
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }

    /// The magic, version and header dictionary that precede the values.
    var npyHeader: [UInt8] {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        bytes.appendLittleEndian(UInt16(header.utf8.count))
        bytes.append(contentsOf: header.utf8)
        return bytes
    }

    /// Writes the array to `path`, replacing an existing file there only when it is complete (see `OutputFile`), so
    /// a failed or interrupted run never leaves a partial output.
    ///
    /// - Parameters:
    ///   - path: the `.npy` file to write (replaced if it exists, once the new one is complete).
    ///   - inputs: files `path` must not be (they would be replaced).
    public func write(toFile path: String, inputs: [String] = []) throws {
        let output = try OutputFile(path: path, force: true, inputs: inputs)
        try write(to: output)
        try output.commit()
    }

    /// Appends the `.npy` bytes to `output`; the caller commits it.
    public func write(to output: OutputFile) throws {
        #if _endian(little)
        // The values' memory is already '<f4': written as it is, not copied value by value (a 64-image batch is
        // 38 MB).
        try output.write(npyHeader)
        try values.withUnsafeBytes { try output.write($0) }
        #else
        try output.write(npyBytes)
        #endif
    }
}
