#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the disk writes of a file being written sequentially while it is still being written, so the final
/// `fsync` finds little left to do.
///
/// Without it the kernel holds every written page dirty until `fsync`, which then waits for the whole file: for a
/// 240 MB `.rnw` that wait was longer than everything else `rnx convert` does. Linux's `sync_file_range(2)` starts
/// writeback of each new range at once and waits for ranges well behind the writer, so at most a few chunks are in
/// flight. Elsewhere (no `sync_file_range`) this does nothing and `fsync` does all the work, as before.
struct Writeback {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    // Looked up at run time: Swift's Glibc module does not declare this GNU extension.
    private static let syncFileRange: SyncFileRange? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
        #else
        return nil
        #endif
    }()
    // <linux/fs.h>: SYNC_FILE_RANGE_WAIT_BEFORE 1, SYNC_FILE_RANGE_WRITE 2, SYNC_FILE_RANGE_WAIT_AFTER 4.
    private static let write: UInt32 = 2
    private static let waitAndWrite: UInt32 = 1 | 2 | 4

    /// Bytes per writeback request.
    static let chunk = 8 << 20
    /// How far behind the writer a range must be finished: bounds the data in flight to about this much.
    static let lag = 64 << 20

    private let descriptor: Int32
    /// Everything before this offset has had its writeback started.
    private var started = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Tells the kernel the file has been written up to `offset`. Failures are ignored: `fsync` still follows.
    mutating func written(upTo offset: Int) {
        guard let syncFileRange = Self.syncFileRange else { return }
        while offset - started >= Self.chunk {
            _ = syncFileRange(descriptor, Int64(started), Int64(Self.chunk), Self.write)
            if started >= Self.lag {
                _ = syncFileRange(descriptor, Int64(started - Self.lag), Int64(Self.chunk), Self.waitAndWrite)
            }
            started += Self.chunk
        }
    }
}
