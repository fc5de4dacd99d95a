import RNXCheckpoint
import RNXPickle
import RNXTensor

/// What `rnx scan` (and `rnx inspect --globals`) prints: per file, every global each pickle references, rated.
public struct ScanReport: Sendable {
    /// One scanned file.
    public struct File: Sendable {
        public let path: String
        public let scan: GlobalScan
        public init(path: String, scan: GlobalScan) {
            self.path = path
            self.scan = scan
        }
    }

    public let files: [File]

    public init(files: [File]) { self.files = files }

    /// The lines for stderr: one per error of each file, and one naming a file's dangerous globals.
    public var problems: [(path: String, error: CheckpointError)] {
        files.flatMap { file in
            var lines = file.scan.errors.map { (file.path, $0) }
            let dangerous = Self.distinct(file.scan.dangerous.map { "\($0.reference.global) (\($0.class.reason))" })
            if !dangerous.isEmpty { lines.append((file.path, CheckpointError.dangerousGlobals(dangerous))) }
            return lines
        }
    }

    /// The exit status: 1 when a file references something dangerous, else the status of the first error (65 for
    /// a file that cannot be parsed, 66 for one that cannot be opened), else 0.
    public var exitStatus: Int32 {
        if files.contains(where: { $0.scan.verdict == .dangerous }) { return ErrorCategory.checkFailed.exitStatus }
        return files.lazy.flatMap(\.scan.errors).first?.category.exitStatus ?? 0
    }

    /// The human-readable report: per file its verdict, then per pickle one line per reference.
    public func text() -> String {
        var blocks: [String] = []
        for file in files {
            let scan = file.scan
            var lines = ["\(file.path): \(scan.verdict.rawValue) (\(Self.describe(scan)))"]
            for pickle in scan.pickles {
                lines.append("  \(pickle.location)")
                let rated = pickle.references.map { ($0, scan.classify($0.global)) }
                let nameWidth = rated.map(\.0.global.description.count).max() ?? 0
                let opcodeWidth = rated.map(\.0.opcode.count).max() ?? 0
                for (reference, rating) in rated {
                    var line = "    " + rating.rating.rawValue.padded(to: 9) + "  " + reference.global.description.padded(to: nameWidth)
                        + "  " + reference.opcode.padded(to: opcodeWidth) + "  byte " + String(reference.offset)
                    if rating.rating != .allowed { line += ": " + rating.reason }
                    lines.append(line)
                }
                if rated.isEmpty { lines.append("    no globals") }
                for note in pickle.notes { lines.append("    note: " + note) }
            }
            for error in scan.errors { lines.append("  error: " + error.description) }
            blocks.append(lines.joined(separator: "\n"))
        }
        if files.count > 1 {
            let counts = [GlobalScan.Verdict.dangerous, .unreadable, .clean].map { verdict in
                "\(files.filter { $0.scan.verdict == verdict }.count) \(verdict.rawValue)"
            }
            blocks.append("\(files.count) files: " + counts.joined(separator: ", "))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// What the file is and holds, for the verdict line.
    static func describe(_ scan: GlobalScan) -> String {
        let count = scan.pickles.count
        let references = scan.pickles.reduce(0) { $0 + $1.references.count }
        switch scan.container {
        case "none": return "no pickle: not a pickle, zip, tar, .npy or safetensors file"
        case "safetensors": return "safetensors: holds no pickle"
        default:
            return "\(scan.container), \(count) pickle\(count == 1 ? "" : "s"), \(references) reference\(references == 1 ? "" : "s")"
        }
    }

    /// The report as JSON, keys in the documented order:
    /// `{"files": [{"file", "pickles": [{"where", "globals": [{"module", "name", "offset", "opcode", "class",
    /// "reason"}], "notes"?}], "verdict", "errors"?}]}`; `notes` and `errors` appear only when not empty.
    public func json() -> String {
        var fileTexts: [String] = []
        for file in files {
            let scan = file.scan
            var pickleTexts: [String] = []
            for pickle in scan.pickles {
                let globals = pickle.references.map { reference in
                    let rating = scan.classify(reference.global)
                    return "        {\"module\": \(reference.global.module.jsonQuoted), \"name\": \(reference.global.name.jsonQuoted), "
                        + "\"offset\": \(reference.offset), \"opcode\": \(reference.opcode.jsonQuoted), "
                        + "\"class\": \(rating.rating.rawValue.jsonQuoted), \"reason\": \(rating.reason.jsonQuoted)}"
                }
                var text = "      {\"where\": \(pickle.location.jsonQuoted), \"globals\": "
                    + (globals.isEmpty ? "[]" : "[\n" + globals.joined(separator: ",\n") + "\n      ]")
                if !pickle.notes.isEmpty { text += ", \"notes\": " + Self.list(pickle.notes) }
                pickleTexts.append(text + "}")
            }
            var text = "    {\"file\": \(file.path.jsonQuoted), \"pickles\": "
                + (pickleTexts.isEmpty ? "[]" : "[\n" + pickleTexts.joined(separator: ",\n") + "\n    ]")
                + ", \"verdict\": \(scan.verdict.rawValue.jsonQuoted)"
            if !scan.errors.isEmpty { text += ", \"errors\": " + Self.list(scan.errors.map(\.description)) }
            fileTexts.append(text + "}")
        }
        return "{\"files\": " + (fileTexts.isEmpty ? "[]" : "[\n" + fileTexts.joined(separator: ",\n") + "\n]") + "}"
    }

    static func list(_ strings: [String]) -> String { "[" + strings.map(\.jsonQuoted).joined(separator: ", ") + "]" }

    static func distinct(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
