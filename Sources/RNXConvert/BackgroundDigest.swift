import Foundation

/// The SHA-256 of a file (and of its section from an offset on), computed on a background thread.
///
/// Convert and verify both read the file for other reasons at the same time; hashing alongside keeps their wall time
/// near one pass over the file on a machine with two cores. `@unchecked Sendable` because the one mutable field is
/// written before the group is left and read only after waiting on it. Package-internal: a library user gets the
/// digests in `ConvertReport` and `VerifyResult`.
package final class BackgroundDigest: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the background task before `leave()`, read only after `wait()`: the group orders the two.
    private var result: Result<(file: String, section: String?), Error> = .success(("", nil))

    /// Starts hashing `path` (and its bytes from `sectionStart` on) on a background queue.
    package init(path: String, sectionStart: Int? = nil) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try FileDigest.sha256(path: path, sectionStart: sectionStart) }
            self.group.leave()
        }
    }

    /// Waits for the digests.
    package func wait() throws -> (file: String, section: String?) {
        group.wait()
        return try result.get()
    }

    /// Waits, for the error paths that must not leave the task running but have an error to report already.
    package func waitIgnoringErrors() -> (file: String, section: String?)? { try? wait() }
}
