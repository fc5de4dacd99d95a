import Foundation
import RNXCheckpoint
import RNXTensor

/// What `rnx inspect` prints about a checkpoint: its format, where the weights were, and every tensor.
///
/// Built from the checkpoint's descriptors and details alone, so inspecting never reads tensor data.
public struct InspectReport: Sendable {
    /// The checkpoint's path, as given.
    public let path: String
    /// The container format.
    public let format: CheckpointFormat
    /// Where the weights were inside the file and what was unwrapped.
    public let details: CheckpointDetails
    /// Every tensor's name, dtype and shape, in file order.
    public let tensors: [TensorDescriptor]

    /// The report of an opened checkpoint; only its descriptors and details are used, so no tensor data is read.
    public init(checkpoint: Checkpoint) {
        path = checkpoint.path
        format = checkpoint.format
        details = checkpoint.details
        tensors = checkpoint.descriptors
    }

    /// Total element count over all tensors (saturating: a hostile file's sizes must not trap the report).
    public var totalElements: Int { tensors.reduce(0) { CheckedArithmetic.add($0, $1.elementCount) ?? Int.max } }
    /// Total bytes over all tensors (saturating).
    public var totalBytes: Int { tensors.reduce(0) { CheckedArithmetic.add($0, $1.byteCount) ?? Int.max } }

    /// The format as a person reads it.
    public var formatDescription: String {
        switch format {
        case .torchZip: "zip (torch.save, torch >= 1.6)"
        case .torchLegacy: "legacy (torch.save before 1.6 or _use_new_zipfile_serialization=False)"
        case .torchTar: "tar (torch.save before 0.1.10)"
        case .safetensors: "safetensors"
        }
    }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        lines.append("file: \(path)")
        var formatLine = "format: \(formatDescription)"
        if let version = details.serializationVersion { formatLine += ", serialization version \(version)" }
        if let proto = details.pickleProtocol { formatLine += ", pickle protocol \(proto)" }
        lines.append(formatLine)
        if let byteorder = details.metadata["byteorder"], byteorder != "little" {
            lines.append("byte order: \(byteorder) (swapped to little-endian)")
        }
        var found = "state dict: " + (details.stateDictPath.map { "found under '\($0)'" } ?? "at the top level")
        if let moduleClass = details.moduleClass {
            // Walked from the recorded classes' _parameters, _buffers and _modules; the class is only a name.
            found += ", walked from the pickled module \(moduleClass)"
        }
        if !details.alsoFound.isEmpty {
            // Grouped by note, in order: 'state_dict_ema' — same layout; 'optimizer', 'callbacks' — not a model.
            var groups: [(note: String, paths: [String])] = []
            for entry in details.alsoFound {
                if let index = groups.firstIndex(where: { $0.note == entry.note }) {
                    groups[index].paths.append(entry.path)
                } else {
                    groups.append((entry.note, [entry.path]))
                }
            }
            let order = ["same layout", "a model", "not a ResNet", "not a model"]
            groups.sort { (order.firstIndex(of: $0.note) ?? order.count) < (order.firstIndex(of: $1.note) ?? order.count) }
            found += " (also found: " + groups.map { group in
                group.paths.map { "'\($0)'" }.joined(separator: ", ") + " \u{2014} " + group.note
            }.joined(separator: "; ") + ")"
        }
        if !details.strippedPrefixes.isEmpty {
            found += "; stripped prefix " + details.strippedPrefixes.map { "'\($0)'" }.joined(separator: ", then ")
        }
        if format != .safetensors { lines.append(found) }
        lines.append("")

        let rows = tensors.map { t in
            [t.name, t.dtype.rawValue, t.shape.shapeDescription, t.elementCount.formatted(groupingSeparator: ","), t.byteCount.formatted(groupingSeparator: ",")]
        }
        let header = ["name", "dtype", "shape", "elements", "bytes"]
        let footer = ["total (\(tensors.count) tensors)", "", "", totalElements.formatted(groupingSeparator: ","), totalBytes.formatted(groupingSeparator: ",")]
        let all = [header] + rows + [footer]
        let widths = (0..<5).map { column in all.map { $0[column].unicodeScalars.count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            let cells = row.enumerated().map { column, cell in
                column >= 3 ? cell.leftPadded(to: widths[column]) : cell.padded(to: widths[column])  // numbers right
            }
            return cells.joined(separator: "  ").trimmingTrailingSpaces()
        }
        lines.append(line(header))
        for row in rows { lines.append(line(row)) }
        lines.append(line(footer) + " (\(Self.mebibytes(totalBytes)))")

        let others = details.otherEntries
        if !others.isEmpty {
            lines.append("")
            lines.append("other entries:")
            let width = others.map(\.key.unicodeScalars.count).max() ?? 0
            for entry in others { lines.append("  " + entry.key.padded(to: width) + " = " + entry.value) }
        }
        let metadata = details.metadata.filter { format == .safetensors || !["byteorder"].contains($0.key) }
        if !metadata.isEmpty {
            lines.append("")
            lines.append(format == .safetensors ? "metadata:" : "archive records:")
            for key in metadata.keys.sorted() { lines.append("  \(key) = \(metadata[key] ?? "")") }
        }
        return lines.joined(separator: "\n")
    }

    /// The same report as JSON: `tensors` is a list of `{name, dtype, shape, elements, bytes}` in file order.
    public func json() throws -> String {
        var object: [String: Any] = [
            "file": path,
            "format": format.rawValue,
            "tensors": tensors.map {
                ["name": $0.name, "dtype": $0.dtype.rawValue, "shape": $0.shape, "elements": $0.elementCount,
                 "bytes": $0.byteCount] as [String: Any]
            },
            "tensor_count": tensors.count,
            "total_elements": totalElements,
            "total_bytes": totalBytes,
            "stripped_prefixes": details.strippedPrefixes,
            "also_found": details.alsoFound.map { ["path": $0.path, "note": $0.note] },
            "module_class": details.moduleClass ?? NSNull(),
            "other_entries": details.otherEntries.map { ["key": $0.key, "value": $0.value] },
            "metadata": details.metadata,
        ]
        object["serialization_version"] = details.serializationVersion ?? NSNull()
        object["pickle_protocol"] = details.pickleProtocol ?? NSNull()
        object["state_dict_path"] = details.stateDictPath ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.2f MiB", Double(bytes) / 1_048_576)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
