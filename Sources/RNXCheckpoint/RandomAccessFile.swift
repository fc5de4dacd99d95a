import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file read at explicit offsets with `pread`, closed when the last reference goes away.
///
/// Lazy checkpoints hold one so each tensor is read on demand, and concurrent reads need no shared position.
final class RandomAccessFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError.cannotOpen(reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CheckpointError.cannotOpen(reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CheckpointError.cannotOpen(reason: "not a regular file")
        }
        self.path = path
        self.descriptor = fd
        self.size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Exactly `count` bytes at `offset`; a short read (the file shrank) is an I/O error.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, let end = Optional(offset.addingReportingOverflow(count)), !end.overflow,
              end.partialValue <= size
        else { throw CheckpointError.readFailed(reason: "\(count) bytes at offset \(offset) lie past the end") }
        // Filled by pread before anyone sees it, so the buffer need not be zeroed first (it is a large tensor's worth).
        var failure: CheckpointError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = .readFailed(reason: String(cString: strerror(errno)))
                    break
                }
                if got == 0 {
                    failure = .readFailed(
                        reason: "file ended at offset \(offset + done), expected \(count - done) more bytes")
                    break
                }
                done += got
            }
            // On failure the bytes read so far are still initialized; the array is discarded anyway.
            initialized = failure == nil ? count : done
        }
        if let failure { throw failure }
        return bytes
    }
}
