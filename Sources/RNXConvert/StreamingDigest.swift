import Crypto
import Foundation

/// A SHA-256 of bytes handed over in order, computed on a background thread one tensor behind the caller.
///
/// Convert (and export) reads, adapts and writes a tensor while the previous one is hashed on the other core. At most one tensor
/// waits to be hashed (`update` blocks until the previous one is done), so memory stays at two tensors. `@unchecked Sendable` because the hasher is
/// touched only on its serial queue. Package-internal: the digest reaches users in `ConvertReport.dataSHA256`.
package final class StreamingDigest: @unchecked Sendable {
    private let queue = DispatchQueue(label: "rnx.streaming-digest", qos: .userInitiated)
    // Touched only on `queue`.
    private var hasher = SHA256()
    private let pending = DispatchSemaphore(value: 1)

    /// An empty digest; hand it bytes with `update(_:)`.
    package init() {}

    /// Hands `bytes` over for hashing; returns once the previous bytes are hashed.
    package func update(_ bytes: [UInt8]) {
        pending.wait()
        queue.async {
            self.hasher.update(data: bytes)
            self.pending.signal()
        }
    }

    /// The lowercase hex SHA-256 of everything handed over, once it is all hashed.
    package func finalize() -> String {
        queue.sync { FileDigest.hex(hasher.finalize()) }
    }
}
