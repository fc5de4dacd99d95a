import RNXTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for reading at arbitrary offsets, so readers fetch only the bytes they need.
final class RandomAccessFile: @unchecked Sendable {
    let path: String
    /// The file's size in bytes when it was opened.
    let size: Int
    private let descriptor: Int32

    /// Opens `path`; a missing, unreadable or non-regular file is `CheckpointError.cannotOpen`.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError.cannotOpen(reason: Self.lastError()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw CheckpointError.cannotOpen(reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw CheckpointError.cannotOpen(reason: (info.st_mode & S_IFMT) == S_IFDIR ? "is a directory" : "not a regular file")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads exactly `count` bytes at `offset`; a range past the end of the file is an error the caller names.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, let end = CheckedArithmetic.add(offset, count), end <= size else {
            throw CheckpointError.readFailed(reason: "range \(offset)+\(count) is past the end of the file (\(size) bytes)")
        }
        if count == 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError.readFailed(reason: Self.lastError())
                }
                if n == 0 { throw CheckpointError.readFailed(reason: "file shrank while reading") }
                done += n
            }
            initialized = count
        }
    }

    /// Up to `count` bytes from the start of the file (fewer if the file is shorter).
    func prefix(_ count: Int) throws -> [UInt8] {
        try read(at: 0, count: min(count, size))
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
