import Crypto
import Foundation
import RNXCheckpoint

/// Streaming SHA-256 of a file, optionally also of the part from an offset on (a safetensors data section).
public enum FileDigest {
    /// Bytes read per step: large enough for throughput, small enough that memory stays flat.
    static let chunkSize = 4 << 20

    /// The lowercase hex SHA-256 of the whole file and, if `sectionStart` is given, of the bytes from there on.
    public static func sha256(path: String, sectionStart: Int? = nil) throws -> (file: String, section: String?) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CheckpointError.cannotOpen(reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        defer { try? handle.close() }
        var whole = SHA256()
        var section = sectionStart.map { _ in SHA256() }
        var offset = 0
        while true {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if chunk.isEmpty { break }
            whole.update(data: chunk)
            if let start = sectionStart {
                let end = offset + chunk.count
                if end > start {
                    let from = max(start - offset, 0)
                    section?.update(data: chunk[chunk.startIndex + from..<chunk.endIndex])
                }
            }
            offset += chunk.count
        }
        return (hex(whole.finalize()), section.map { hex($0.finalize()) })
    }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
