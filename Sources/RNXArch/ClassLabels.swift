import Foundation

/// The names of a classifier's rows: what `rnx predict` prints and `.rnw` metadata records as `labels`.
public enum ClassLabels {
    /// The `.rnw` metadata key holding the labels as a JSON array.
    public static let metadataKey = "labels"

    /// The labels `metadata` records (a `.rnw`'s `labels`, when it has one per class), else the defaults.
    public static func recorded(in metadata: [String: String], config: ResNetConfig) -> [String] {
        if let text = metadata[metadataKey], let labels = fromJSON(text, count: config.numClasses) { return labels }
        return defaults(for: config)
    }

    /// The labels a model of `config` has when nothing records them: ImageNet-1k's names for 1000 classes,
    /// CIFAR-10's for a 10-class CIFAR net, otherwise `class_0`, `class_1`, ...
    public static func defaults(for config: ResNetConfig) -> [String] {
        if config.numClasses == imagenet.count { return imagenet }
        if config.family == .cifar && config.numClasses == cifar10.count { return cifar10 }
        return generic(0..<config.numClasses)
    }

    /// `class_N` for each index.
    public static func generic(_ indices: Range<Int>) -> [String] { indices.map { "class_\($0)" } }

    /// Labels from a text file's contents: one per line, trailing whitespace and a final newline ignored.
    ///
    /// - Throws: `ArchError.invalidLabels` when a label is empty or the count is not `expected`.
    public static func parse(_ text: String, expected: Int? = nil) throws -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        while lines.last == "" { lines.removeLast() }
        if let blank = lines.firstIndex(of: "") {
            throw ArchError.invalidLabels("line \(blank + 1) is empty")
        }
        guard !lines.isEmpty else { throw ArchError.invalidLabels("no labels") }
        if let expected, lines.count != expected {
            throw ArchError.invalidLabels("\(lines.count) labels for a classifier of \(expected) classes")
        }
        return lines
    }

    /// The `labels` metadata value: a JSON array of strings.
    public static func json(_ labels: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: labels, options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Labels from a `labels` metadata value, or nil when it is not a JSON array of `count` strings.
    public static func fromJSON(_ text: String, count: Int) -> [String]? {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String],
              array.count == count else { return nil }
        return array
    }
}
