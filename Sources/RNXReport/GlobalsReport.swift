import RNXTensor
import Foundation
import RNXCheckpoint
import RNXPickle

/// What `rnx inspect --globals` prints: every global each pickle references, with the ones rnx refuses flagged.
public struct GlobalsReport: Sendable {
    /// One distinct global of one pickle.
    public struct Row: Sendable, Equatable {
        /// The pickle's name in the file (`archive/data.pkl`, or the legacy file's `model`).
        public let pickle: String
        /// `module.name`.
        public let global: String
        /// Whether rnx's unpickler accepts the global; a refused one means rnx will not load the file.
        public let allowed: Bool
        /// Byte offset (within its pickle) of the first reference.
        public let firstOffset: Int
        /// How many times the pickle references the global.
        public let references: Int
    }

    /// The checkpoint's path, as given.
    public let path: String
    /// The container format the pickles were found in.
    public let format: CheckpointFormat
    /// One row per distinct global of each pickle, in order of first reference.
    public let rows: [Row]
    /// Every pickle scanned, with or without globals.
    public let pickles: [String]

    /// The report of a scan of the file at `path`; the scan already ran the pickles, this only groups its references.
    public init(path: String, scan: GlobalScan) {
        self.path = path
        format = scan.format
        pickles = scan.pickles.map(\.name)
        var rows: [Row] = []
        for pickle in scan.pickles {
            var order: [GlobalName] = []
            var first: [GlobalName: Int] = [:]
            var counts: [GlobalName: Int] = [:]
            for reference in pickle.globals {
                if first[reference.global] == nil {
                    order.append(reference.global)
                    first[reference.global] = reference.offset
                }
                counts[reference.global, default: 0] += 1
            }
            for global in order {
                rows.append(Row(pickle: pickle.name, global: global.description, allowed: scan.isAllowed(global),
                                firstOffset: first[global] ?? 0, references: counts[global] ?? 0))
            }
        }
        self.rows = rows
    }

    /// The distinct globals outside the allowlist.
    public var refused: [Row] { rows.filter { !$0.allowed } }

    /// The human-readable report: one line per distinct global and pickle.
    public func text() -> String {
        var lines = ["file: \(path)", "format: \(format.rawValue)"]
        if format == .safetensors {
            lines.append("no pickle: safetensors files reference no globals")
            return lines.joined(separator: "\n")
        }
        lines.append("pickles: " + pickles.joined(separator: ", "))
        let pickleWidth = max(6, rows.map(\.pickle.count).max() ?? 0)
        let globalWidth = max(6, rows.map(\.global.count).max() ?? 0)
        lines.append("")
        lines.append(["status ", "pickle".padded(to: pickleWidth), "global".padded(to: globalWidth), "first at byte", "references"]
            .joined(separator: "  "))
        for row in rows {
            lines.append([row.allowed ? "allowed" : "REFUSED", row.pickle.padded(to: pickleWidth), row.global.padded(to: globalWidth),
                          String(row.firstOffset).leftPadded(to: 13), String(row.references).leftPadded(to: 10)].joined(separator: "  "))
        }
        lines.append("")
        let refused = refused
        if refused.isEmpty {
            lines.append("\(rows.count) distinct globals, all on rnx's allowlist")
        } else {
            lines.append("\(rows.count) distinct globals, \(refused.count) outside rnx's allowlist: "
                + refused.map(\.global).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON: `globals` is a list of `{pickle, global, allowed, first_offset, references}`.
    public func json() throws -> String {
        let object: [String: Any] = [
            "file": path,
            "format": format.rawValue,
            "globals": rows.map {
                ["pickle": $0.pickle, "global": $0.global, "allowed": $0.allowed, "first_offset": $0.firstOffset,
                 "references": $0.references] as [String: Any]
            },
            "refused": refused.map(\.global),
            "pickles": pickles,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
