#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes all of `bytes` to `descriptor` with write(2), retrying short writes and EINTR.
///
/// - Throws: `CheckpointError.writeFailed` with the system's reason.
public func writeFully(_ descriptor: Int32, _ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try writeFully(descriptor, $0) }
}

/// Writes all of `buffer` to `descriptor` with write(2), retrying short writes and EINTR.
public func writeFully(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws {
    guard let base = buffer.baseAddress else { return }
    var done = 0
    while done < buffer.count {
        #if canImport(Glibc)
        let count = Glibc.write(descriptor, base + done, buffer.count - done)
        #else
        let count = Darwin.write(descriptor, base + done, buffer.count - done)
        #endif
        if count < 0 {
            if errno == EINTR { continue }
            throw CheckpointError.writeFailed(reason: String(cString: strerror(errno)))
        }
        done += count
    }
}

/// Writes all of `bytes` to `descriptor` at `offset` with pwrite(2), retrying short writes and EINTR.
///
/// - Throws: `CheckpointError.writeFailed` with the system's reason.
public func writeFully(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int) throws {
    try bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let count = pwrite(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if count < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.writeFailed(reason: String(cString: strerror(errno)))
            }
            done += count
        }
    }
}
