import Crypto
import Foundation
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks an ONNX model the way `rnx verify` checks its other outputs: it parses, its graph is well-formed, every
/// initializer's bytes are present and in bounds (inline or in its external data file), and the SHA-256 of the
/// initializers' bytes equals the `data_sha256` of its metadata when it has one.
///
/// The file is hostile input: every dimension, offset and length is checked before use (products with overflow
/// checks, ranges against the data file's size), external data must be a regular file inside the model's folder
/// (no absolute path, no `..`, no symbolic link leading out), and external bytes are read and hashed in chunks, so
/// a lying length costs neither memory nor time. Problems are `ExportError` values rendered in one place.
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
    /// Problems listed in full; past this many, one more line counts the rest (a hostile graph can have millions).
    static let maxProblems = 20
    /// External data is hashed this many bytes at a time.
    static let chunkBytes = 1 << 20

    /// Checks the ONNX model at `path`, with external data looked up beside it; every failure becomes a line in
    /// ``Report/problems`` rather than a thrown error, so one run can list all of them.
    public static func verify(path: String) -> Report {
        let data: Data
        do {
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw ExportError.unreadableModel(reason: String(cString: strerror(errno)))
            }
            guard Int(status.st_size) <= maxModelBytes else {
                throw ExportError.unreadableModel(reason: "larger than 2 GiB")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ExportError {
            return Report(problems: [error.description])
        } catch {
            return Report(problems: [ExportError.unreadableModel(reason: "cannot read it").description])
        }
        return verify(model: data, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Verifies the serialized model `bytes` whose external data files are relative to `directory`.
    public static func verify(model bytes: Data, directory: String) -> Report {
        var report = Report()
        var problems = Problems()
        check(bytes, directory: directory, into: &report, problems: &problems)
        report.problems = problems.lines
        return report
    }

    private static func check(_ bytes: Data, directory: String, into report: inout Report, problems: inout Problems) {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch let error as BinaryDecodingError {
            problems.append(.unreadableModel(reason: reason(error)))
            return
        } catch {
            problems.append(.unreadableModel(reason: "\(error)"))
            return
        }
        guard model.hasGraph else {
            problems.append(.unreadableModel(reason: "it has no graph"))
            return
        }
        let graph = model.graph
        report.nodeCount = graph.node.count
        report.initializerCount = graph.initializer.count
        let metadata = Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        report.architecture = metadata["architecture"]

        if !model.opsetImport.contains(where: { $0.domain.isEmpty && $0.version >= 1 }) {
            problems.append(.malformedGraph("no ONNX opset is imported"))
        }
        // Every value is produced once, before it is used.
        var defined = Set(graph.input.map(\.name))
        for tensor in graph.initializer where !defined.insert(tensor.name).inserted {
            problems.append(.malformedGraph("'\(tensor.name)' is defined twice"))
        }
        for node in graph.node {
            for input in node.input where !input.isEmpty && !defined.contains(input) {
                problems.append(.malformedGraph("node \(node.name) (\(node.opType)) uses '\(input)', which nothing before it defines"))
            }
            for output in node.output where !defined.insert(output).inserted {
                problems.append(.malformedGraph("'\(output)' is defined twice"))
            }
        }
        for output in graph.output where !defined.contains(output.name) {
            problems.append(.malformedGraph("graph output '\(output.name)' is never computed"))
        }

        var hasher = SHA256()
        var files = ExternalFiles(directory: directory)
        defer { files.closeAll() }
        for tensor in graph.initializer {
            do {
                let count = try byteCount(tensor)
                if tensor.dataLocation == .external {
                    try files.hash(tensor, byteCount: count, into: &hasher)
                } else {
                    guard tensor.rawData.count == count else {
                        throw ExportError.badInitializer(
                            name: tensor.name,
                            reason: "holds \(tensor.rawData.count) bytes, its dims \(tensor.dims) need \(count)")
                    }
                    hasher.update(data: tensor.rawData)
                }
            } catch let error as ExportError {
                problems.append(error)
            } catch {
                problems.append(.badInitializer(name: tensor.name, reason: "\(error)"))
            }
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        if let recorded = metadata["data_sha256"], problems.isEmpty, recorded != digest {
            problems.append(.dataDigestMismatch(found: digest, recorded: recorded))
        }
        return
    }

    /// The bytes `tensor`'s type and dims need, checked for negative dimensions and overflow.
    static func byteCount(_ tensor: Onnx_TensorProto) throws -> Int {
        let elementSize: Int
        switch Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) {
        case .float?, .int32?: elementSize = 4
        case .int64?, .double?: elementSize = 8
        case .float16?, .bfloat16?: elementSize = 2
        default:
            throw ExportError.badInitializer(
                name: tensor.name, reason: "has data type \(tensor.dataType), which rnx does not check")
        }
        var count = elementSize
        for dim in tensor.dims {
            guard dim >= 0 else {
                throw ExportError.badInitializer(name: tensor.name, reason: "has a negative dimension in \(tensor.dims)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow else {
                throw ExportError.badInitializer(
                    name: tensor.name, reason: "dims \(tensor.dims) of \(elementSize)-byte elements overflow 64 bits")
            }
            count = product
        }
        return count
    }

    static func reason(_ error: BinaryDecodingError) -> String {
        switch error {
        case .truncated: "the protobuf ends inside a field (truncated, or a length past the end)"
        case .malformedProtobuf: "malformed protobuf (a bad field tag, wire type or varint)"
        case .invalidUTF8: "a string field is not UTF-8"
        case .messageDepthLimit: "messages nested deeper than 100"
        case .trailingGarbage: "bytes after the message"
        case .missingRequiredFields: "a required field is missing"
        case .internalExtensionError: "an extension could not be decoded"
        }
    }

    /// The problems found so far, the first `maxProblems` in full.
    struct Problems {
        private(set) var lines: [String] = []
        private var dropped = 0
        var isEmpty: Bool { lines.isEmpty }

        mutating func append(_ error: ExportError) {
            if lines.count < ONNXVerifier.maxProblems {
                lines.append(error.description)
                return
            }
            dropped += 1
            let summary = "\(dropped) more problem\(dropped == 1 ? "" : "s")"
            if dropped == 1 { lines.append(summary) } else { lines[lines.count - 1] = summary }
        }
    }

    /// The external data files, opened once each, confined to the model's folder.
    struct ExternalFiles {
        let directory: String
        private var handles: [String: (fd: Int32, size: Int)] = [:]
        private var realDirectory: String?

        init(directory: String) {
            self.directory = directory.isEmpty ? "." : directory
        }

        mutating func closeAll() {
            for file in handles.values { close(file.fd) }
            handles = [:]
        }

        /// Reads the external bytes of `tensor` (which must be `byteCount` long) into `hasher`, in chunks.
        mutating func hash(_ tensor: Onnx_TensorProto, byteCount: Int, into hasher: inout SHA256) throws {
            let name = tensor.name
            func bad(_ reason: String) -> ExportError { .badInitializer(name: name, reason: reason) }
            var fields: [String: String] = [:]
            for entry in tensor.externalData where fields[entry.key] == nil { fields[entry.key] = entry.value }
            guard let location = fields["location"], !location.isEmpty else {
                throw bad("external data has no location")
            }
            guard !location.contains("\0") else { throw bad("external data location contains a NUL byte") }
            guard !location.hasPrefix("/") else {
                throw bad("external data location '\(location)' is an absolute path")
            }
            guard !location.split(separator: "/").contains("..") else {
                throw bad("external data location '\(location)' leaves the model's folder")
            }
            let offsetText = fields["offset"] ?? "0"
            guard let offset = Int(offsetText), offset >= 0 else {
                throw bad("external data offset '\(offsetText)' is not a byte offset")
            }
            let lengthText = fields["length"] ?? String(byteCount)
            guard let length = Int(lengthText), length >= 0 else {
                throw bad("external data length '\(lengthText)' is not a byte count")
            }
            guard length == byteCount else {
                throw bad("external data length \(length), its dims \(tensor.dims) need \(byteCount)")
            }
            let file = try self.file(location, bad: bad)
            let (end, overflow) = offset.addingReportingOverflow(length)
            guard !overflow, end <= file.size else {
                throw bad("ends past the end of \(location) (\(offset) + \(length) bytes, the file has \(file.size))")
            }
            var buffer = [UInt8](repeating: 0, count: min(length, ONNXVerifier.chunkBytes))
            var done = 0
            while done < length {
                let want = min(buffer.count, length - done)
                let got = buffer.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, want, off_t(offset + done)) }
                guard got > 0 else {
                    throw bad("cannot read \(location) at \(offset + done): "
                        + (got < 0 ? String(cString: strerror(errno)) : "the file ended"))
                }
                hasher.update(data: buffer[0..<got])
                done += got
            }
        }

        /// The open file for `location`: a regular file whose real path is inside the model's folder.
        private mutating func file(_ location: String, bad: (String) -> ExportError) throws -> (fd: Int32, size: Int) {
            if let file = handles[location] { return file }
            let path = directory + "/" + location
            guard let real = realpath(path, nil) else {
                throw bad("cannot read \(location): \(String(cString: strerror(errno)))")
            }
            let resolved = String(cString: real)
            free(real)
            if realDirectory == nil {
                realDirectory = realpath(directory, nil).map { pointer in
                    defer { free(pointer) }
                    return String(cString: pointer)
                }
            }
            guard let root = realDirectory, resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
            else {
                throw bad("external data location '\(location)' leads out of the model's folder")
            }
            let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { throw bad("cannot read \(location): \(String(cString: strerror(errno)))") }
            var status = stat()
            guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw bad("external data location '\(location)' is not a regular file")
            }
            let file = (fd: fd, size: Int(status.st_size))
            handles[location] = file
            return file
        }
    }
}
