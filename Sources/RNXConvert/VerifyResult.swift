import Foundation

/// The outcome of verifying one file.
public struct VerifyResult: Sendable, Equatable {
    /// The file verified, as given.
    public var path: String
    /// Lowercase hex SHA-256 of the whole file, if it could be read.
    public var sha256: String?
    /// `zip`, `legacy` or `safetensors`, if the file could be opened.
    public var format: String?
    /// The number of tensors, if the file could be opened.
    public var tensorCount: Int?
    /// The architecture the tensors map onto, if they do.
    public var architecture: String?
    /// Every reason the file fails; empty when it passes.
    public var problems: [String] = []

    /// A result for `path` with nothing found yet; the verifier fills it in.
    ///
    /// - Parameter path: the file to verify, as given.
    public init(path: String) { self.path = path }

    /// Whether the file passed: no problems were found.
    public var passed: Bool { problems.isEmpty }

    /// `PATH: OK resnet34, 218 tensors, sha256 HEX` or `PATH: FAIL reason; reason`.
    public var line: String {
        if passed {
            return "\(path): OK \(architecture ?? "?"), \(tensorCount ?? 0) tensors, sha256 \(sha256 ?? "?")"
        }
        return "\(path): FAIL " + problems.joined(separator: "; ")
    }

    /// The result as a JSON object (keys: file, ok, sha256, format, tensors, architecture, problems).
    public var jsonObject: [String: Any] {
        [
            "file": path, "ok": passed, "sha256": sha256 ?? NSNull(), "format": format ?? NSNull(),
            "tensors": tensorCount ?? NSNull(), "architecture": architecture ?? NSNull(), "problems": problems,
        ]
    }

    /// All results as one pretty-printed JSON document with sorted keys: `{"ok": Bool, "files": [...]}`.
    public static func json(_ results: [VerifyResult]) -> String {
        let document: [String: Any] = ["ok": results.allSatisfy(\.passed), "files": results.map(\.jsonObject)]
        let data = (try? JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
