import Crypto
import Foundation
import SwiftProtobuf

/// Checks an ONNX model the way `rnx verify` checks its other outputs: it parses, its graph is well-formed, every
/// initializer's bytes are present and in bounds (inline or in its external data file), and the SHA-256 of the
/// initializers' bytes equals the `data_sha256` of its metadata when it has one.
public enum ONNXVerifier {
    /// What the check found.
    public struct Report: Sendable {
        /// The `architecture` recorded in the model's metadata, if rnx wrote it.
        public var architecture: String?
        /// The number of initializers found.
        public var initializerCount = 0
        /// The number of graph nodes.
        public var nodeCount = 0
        /// Every reason the model fails the check; empty when it passes.
        public var problems: [String] = []
    }

    /// The largest model parsed in memory (protobuf's own limit).
    static let maxModelBytes = Int(Int32.max)

    /// Checks the ONNX model at `path`; every failure becomes a line in ``Report/problems`` rather than a thrown
    /// error, so one run can list all of them.
    public static func verify(path: String) -> Report {
        var report = Report()
        let model: Onnx_ModelProto
        do {
            let url = URL(fileURLWithPath: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= maxModelBytes else { throw ExportError.unreadableModel(reason: "larger than 2 GiB") }
            model = try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
        } catch let error as ExportError {
            report.problems.append(error.description)
            return report
        } catch {
            report.problems.append(ExportError.unreadableModel(reason: "\(error)").description)
            return report
        }
        let graph = model.graph
        report.nodeCount = graph.node.count
        report.initializerCount = graph.initializer.count
        let metadata = Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        report.architecture = metadata["architecture"]

        if !model.opsetImport.contains(where: { $0.domain.isEmpty && $0.version >= 1 }) {
            report.problems.append("no ONNX opset is imported")
        }
        // Every value is produced once, before it is used.
        var defined = Set(graph.input.map(\.name) + graph.initializer.map(\.name))
        for node in graph.node {
            for input in node.input where !input.isEmpty && !defined.contains(input) {
                report.problems.append("node \(node.name) (\(node.opType)) uses '\(input)', which nothing before it defines")
            }
            for output in node.output where !defined.insert(output).inserted {
                report.problems.append("'\(output)' is defined twice")
            }
        }
        for output in graph.output where !defined.contains(output.name) {
            report.problems.append("graph output '\(output.name)' is never computed")
        }

        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var hasher = SHA256()
        var externalFiles: [String: FileHandle] = [:]
        defer { for handle in externalFiles.values { try? handle.close() } }
        for tensor in graph.initializer {
            let elementSize: Int
            switch Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) {
            case .float?, .int32?: elementSize = 4
            case .int64?, .double?: elementSize = 8
            case .float16?, .bfloat16?: elementSize = 2
            default:
                report.problems.append("initializer '\(tensor.name)' has data type \(tensor.dataType), which rnx does not check")
                continue
            }
            var count = elementSize
            for dim in tensor.dims {
                guard dim >= 0, let product = count.multipliedReportingOverflow(by: Int(dim)) as (Int, Bool)?,
                      !product.1
                else {
                    report.problems.append("initializer '\(tensor.name)' has invalid dims \(tensor.dims)")
                    count = -1
                    break
                }
                count = product.0
            }
            guard count >= 0 else { continue }
            if tensor.dataLocation == .external {
                let fields = Dictionary(tensor.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                guard let location = fields["location"], !location.isEmpty, !location.hasPrefix("/"),
                      !location.split(separator: "/").contains(".."),
                      let offset = Int(fields["offset"] ?? "0"), let length = Int(fields["length"] ?? String(count)),
                      offset >= 0, length == count
                else {
                    report.problems.append("initializer '\(tensor.name)' has invalid external data \(fields)")
                    continue
                }
                let file = directory.appendingPathComponent(location).path
                do {
                    let handle: FileHandle
                    if let open = externalFiles[file] { handle = open } else {
                        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
                        externalFiles[file] = handle
                    }
                    try handle.seek(toOffset: UInt64(offset))
                    let bytes = try handle.read(upToCount: length) ?? Data()
                    guard bytes.count == length else {
                        report.problems.append(
                            "initializer '\(tensor.name)' ends past the end of \(location) (\(offset) + \(length) bytes)")
                        continue
                    }
                    hasher.update(data: bytes)
                } catch {
                    report.problems.append("initializer '\(tensor.name)': cannot read \(location): \(error.localizedDescription)")
                }
            } else {
                guard tensor.rawData.count == count else {
                    report.problems.append(
                        "initializer '\(tensor.name)' holds \(tensor.rawData.count) bytes, its dims \(tensor.dims) need \(count)")
                    continue
                }
                hasher.update(data: tensor.rawData)
            }
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        if let recorded = metadata["data_sha256"], report.problems.isEmpty, recorded != digest {
            report.problems.append("data SHA-256 \(digest) does not match data_sha256 \(recorded) in the metadata")
        }
        return report
    }
}
