import Glibc

/// Hands a libFuzzer input to readers that take a path: written to one file in /dev/shm per process, reused.
///
/// The readers only accept paths (they pread and mmap-free stream), so the harness pays one small write per run;
/// /dev/shm keeps that in memory.
enum FuzzInput {
    nonisolated(unsafe) static var path: String = {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        return "\(dir)/rnx-fuzz-\(getpid()).bin"
    }()

    /// Writes `count` bytes at `start` to `path` (truncating what was there) and returns the path.
    static func write(_ start: UnsafeRawPointer?, _ count: Int) -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < count, let start {
            let n = Glibc.write(fd, start + done, count - done)
            precondition(n > 0, "short write to \(path)")
            done += n
        }
        close(fd)
        return path
    }
}
