import Foundation
import RNXTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing `.npy` files: little-endian float32, C order, the version-1 header numpy itself writes.
extension NumpyArray {
    /// The bytes of a `.npy` file holding this array; the header is padded so the data starts 64-byte aligned.
    public var npyBytes: [UInt8] {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        bytes.appendLittleEndian(UInt16(header.utf8.count))
        bytes.append(contentsOf: header.utf8)
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return bytes
    }

    /// Writes the array to `path` through a temporary file in the same directory, synced and renamed into place,
    /// so a failed run never leaves a partial output.
    public func write(toFile path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.cannotCreate(reason: String(cString: strerror(errno))) }
        var failure: String?
        do {
            try writeFully(fd, npyBytes)
        } catch CheckpointError.writeFailed(let reason) {
            failure = reason
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw CheckpointError.writeFailed(reason: failure)
        }
    }
}
