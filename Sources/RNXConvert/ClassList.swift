import Foundation

/// The class indices of `--classes`: `5,3,999` or `@FILE` with one index per line.
public enum ClassList {
    /// The indices in order. Blank lines and `#` comments in a file are skipped.
    public static func parse(_ text: String) throws -> [Int] {
        var items: [Substring]
        var origin: (Int) -> String
        if text.hasPrefix("@") {
            let path = String(text.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConvertError.invalidClassList("cannot read \(path)")
            }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            items = lines.map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
            origin = { "\(path) line \($0 + 1)" }
        } else {
            items = text.split(separator: ",", omittingEmptySubsequences: false)
            origin = { "item \($0 + 1)" }
        }
        var indices: [Int] = []
        for (position, item) in items.enumerated() {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty && text.hasPrefix("@") { continue }
            guard let index = Int(trimmed), index >= 0 else {
                throw ConvertError.invalidClassList("\(origin(position)) '\(trimmed)' is not a class index")
            }
            indices.append(index)
        }
        guard !indices.isEmpty else { throw ConvertError.invalidClassList("no class index given") }
        return indices
    }
}
