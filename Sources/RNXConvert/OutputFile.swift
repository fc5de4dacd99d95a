import Foundation
import RNXTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a small output file whole (an SVG, a report): refused if it exists unless `force`, never the input,
/// written to a temporary file beside it, synced and moved into place as `rnx convert` does, so an error leaves
/// nothing behind and a reader never sees half a file.
///
/// The one function the commands call to create such files, so the interrupt-safe mechanism can replace its body.
public enum OutputFile {
    /// Writes `bytes` to `path`.
    ///
    /// - Parameters:
    ///   - input: the file the output was made from, which it may not replace; nil when made from a name.
    /// - Throws: `ConvertError.outputExists`, `.outputIsInput`, `.cannotCreate`, `.writeFailed`.
    public static func write(_ bytes: [UInt8], to path: String, input: String?, force: Bool) throws {
        try Converter.checkOutput(path, input: input ?? "", force: force)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory
            .appendingPathComponent(".\(url.lastPathComponent).rnx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            .path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ConvertError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        var committed = false
        defer { if !committed { unlink(temporary) } }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count, let base = buffer.baseAddress {
                let count = Foundation.write(fd, base + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                done += count
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure { throw ConvertError.writeFailed(path: path, reason: failure) }
        try Converter.publish(temporary, as: path, force: force)
        committed = true
        Converter.syncDirectory(directory.path.isEmpty ? "." : directory.path)
    }
}
