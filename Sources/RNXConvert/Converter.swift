import Foundation
import RNXArch
import RNXCheckpoint
import RNXTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts a checkpoint to `.rnw`, streaming one tensor at a time.
///
/// The tensors are mapped onto their architecture (detected, or `--arch`) before anything is written; then each is
/// read, adapted and appended to an `OutputFile` (unnamed until committed) while the input's SHA-256 and the
/// data section's are computed on other threads. Only when everything succeeded is the file synced and linked into
/// place, so an error or a signal leaves no output behind, and the input is only ever read.
public enum Converter {
    /// Refuses an output that exists (unless `force`) or that is the input itself. Call before `convert`.
    public static func checkOutput(_ output: String, input: String, force: Bool) throws {
        try mapOutputErrors(output) { try OutputFile.checkDestination(output, force: force, inputs: [input]) }
    }

    /// Converts `checkpoint` (opened from `input`) to `output`.
    ///
    /// - Parameters:
    ///   - checkpoint: the opened source.
    ///   - input: the source's path, hashed for the metadata and recorded by its base name.
    ///   - output: where the `.rnw` file goes; it appears only when complete.
    ///   - options: the architecture to insist on, the adaptations, `force`, the version to record.
    ///   - progress: called after each tensor with (bytes done, bytes in all).
    public static func convert(
        _ checkpoint: Checkpoint, input: String, output: String, options: ConvertOptions,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ConvertReport {
        try checkOutput(output, input: input, force: options.force)
        let resolved = try WeightMapping.resolve(
            checkpoint.descriptors, arch: options.arch, transformersConfig: checkpoint.companionConfig,
            strideIn: options.strideIn)
        let source = resolved.config
        let plan = try AdaptationPlan(
            source: source, descriptors: checkpoint.descriptors, adaptations: options.adaptations)
        let library = options.library ?? source.naming
        let renaming = try LibraryRenaming(config: plan.target, to: library)
        let outputDescriptors = checkpoint.descriptors.map(plan.descriptor(for:)).map { descriptor in
            var renamed = descriptor
            renamed.name = renaming.name(descriptor.name)
            return renamed
        }
        var target = plan.target
        target.naming = library
        var notes = extractionNotes(checkpoint.details) + resolved.notes + plan.notes
        if library != source.naming {
            notes.append("renamed from \(source.naming.rawValue) names to \(library.rawValue) names")
        }
        let labels = try outputLabels(
            checkpoint, source: source, plan: plan, given: options.labels, configured: resolved.labels)
        if options.labels != nil { notes.append("labels set from a file (\(labels.count) names)") }
        // A transformers model is written as the directory save_pretrained writes, unless OUTPUT names a file.
        let directoryOutput = library == .transformers && !OutputFormat.namesWeightFile(output)
        let format = options.format ?? OutputFormat.forPath(output)

        // The input's digest goes into the header, so it is computed alongside and patched in at the end.
        let digest = BackgroundDigest(path: checkpoint.path)
        // Whatever happens, the background read of the input ends before convert returns.
        defer { _ = digest.waitIgnoringErrors() }
        var metadata: [(key: String, value: String)] = [
            // transformers refuses safetensors whose `format` is not `pt`; the rest of rnx's metadata is kept.
            (RNWFormat.Key.format, directoryOutput ? "pt" : RNWFormat.formatName),
            (RNWFormat.Key.formatVersion, RNWFormat.version),
            (RNWFormat.Key.architecture, target.displayName),
            (RNWFormat.Key.config, target.jsonDescription),
            (RNWFormat.Key.numClasses, String(target.numClasses)),
            (RNWFormat.Key.inChannels, String(target.inChannels)),
            (RNWFormat.Key.sourceFile, URL(fileURLWithPath: input).lastPathComponent),
            (RNWFormat.Key.sourceFormat, checkpoint.format.rawValue),
            (RNWFormat.Key.sourceSHA256, ""),
            (RNWFormat.Key.adaptations, jsonArray(notes)),
            (RNWFormat.Key.adaptationSpec, Adaptation.record(options.adaptations)),
            (RNWFormat.Key.labels, ClassLabels.json(labels)),
            (RNWFormat.Key.rnxVersion, options.rnxVersion),
            (RNWFormat.Key.dataSHA256, ""),
        ]
        if library != .torchvision || source.naming != .torchvision {
            metadata.insert(contentsOf: [
                (RNWFormat.Key.library, library.rawValue), (RNWFormat.Key.sourceLibrary, source.naming.rawValue),
            ], at: 4)
        }
        // A bare transformers file has no config.json beside it: it carries its own, which Checkpoint.open takes
        // as the companion config (the weights cannot show downsample_in_bottleneck).
        let configJSON = library == .transformers ? TransformersConfig.json(for: target, labels: labels) : nil
        if let configJSON, !directoryOutput {
            metadata.append((RNWFormat.Key.transformersConfig, compactJSON(configJSON)))
        }

        let total = outputDescriptors.reduce(0) { $0 + $1.byteCount }
        var done = 0
        let dataDigest = StreamingDigest()
        // Every tensor goes through here exactly once, in state-dict order, whichever writer asks for it.
        let produce: (Int) throws -> Tensor = { index in
            let tensor = try plan.apply(try checkpoint.loadTensor(at: index), name: checkpoint.descriptors[index].name)
            dataDigest.update(tensor.bytes)
            done += tensor.bytes.count
            progress?(done, total)
            return tensor
        }
        let inputs = [input, checkpoint.path]
        let written: (size: Int, source: String, data: String)
        if directoryOutput {
            // The weights and config.json are staged in a hidden folder that becomes `output` in one rename.
            let folder = try mapOutputErrors(output) {
                try OutputDirectory(path: output, force: options.force, inputs: inputs)
            }
            defer { folder.abandon() }
            // save_pretrained's two weight files: model.safetensors, or pytorch_model.bin with --format pth.
            let weightFile = options.format == .pth ? "pytorch_model.bin" : "model.safetensors"
            let file = try mapOutputErrors(output) { try folder.file(named: weightFile) }
            defer { file.abandon() }
            let weightPath = output + "/" + weightFile
            if options.format == .pth {
                written = try writePTH(
                    file, output: weightPath, descriptors: outputDescriptors, metadata: metadata, produce: produce,
                    digest: digest, dataDigest: dataDigest)
            } else {
                written = try writeRNW(
                    file, output: output, descriptors: outputDescriptors, metadata: metadata, produce: produce,
                    digest: digest, dataDigest: dataDigest)
            }
            try mapOutputErrors(output) {
                try file.commit()
                try folder.write(Array((configJSON ?? "").utf8), toFile: "config.json")
                try folder.commit()
            }
        } else {
            written = try writeAtomically(output, force: options.force, inputs: inputs) { file in
                switch format {
                case .rnw:
                    try writeRNW(
                        file, output: output, descriptors: outputDescriptors, metadata: metadata, produce: produce,
                        digest: digest, dataDigest: dataDigest)
                case .pth:
                    try writePTH(
                        file, output: output, descriptors: outputDescriptors, metadata: metadata, produce: produce,
                        digest: digest, dataDigest: dataDigest)
                }
            }
        }
        return ConvertReport(
            input: input, output: output, config: target, tensorCount: outputDescriptors.count,
            adaptations: notes, outputSize: written.size, dataSHA256: written.data, sourceSHA256: written.source)
    }

    /// Makes `output` the file `body` writes into the `OutputFile` it is given, which appears at `output` only when
    /// `body` has returned and it is synced (replacing `output` only with `force`, never one of `inputs`). An error or
    /// an interruption leaves nothing. Every file convert writes goes through here.
    public static func writeAtomically<T>(
        _ output: String, force: Bool, inputs: [String], _ body: (OutputFile) throws -> T
    ) throws -> T {
        let file = try mapOutputErrors(output) { try OutputFile(path: output, force: force, inputs: inputs) }
        defer { file.abandon() }
        let result = try body(file)
        try mapOutputErrors(output) { try file.commit() }
        return result
    }

    /// Writes the `.rnw` into `file`: header first, then each tensor as it is produced.
    private static func writeRNW(
        _ file: OutputFile, output: String, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        produce: (Int) throws -> Tensor, digest: BackgroundDigest, dataDigest: StreamingDigest
    ) throws -> (size: Int, source: String, data: String) {
        let writer: SafetensorsWriter
        do {
            writer = try SafetensorsWriter(
                output: file, descriptors: descriptors, metadata: metadata,
                reservedKeys: [RNWFormat.Key.sourceSHA256, RNWFormat.Key.dataSHA256])
        } catch let error as CheckpointError {
            throw ConvertError.cannotCreate(path: output, reason: reason(error))
        }
        do {
            for index in descriptors.indices { try writer.write(try produce(index)) }
            let sourceDigest = try digest.wait().file
            let dataSHA256 = dataDigest.finalize()
            let result = try writer.finish(
                patches: [RNWFormat.Key.sourceSHA256: sourceDigest, RNWFormat.Key.dataSHA256: dataSHA256])
            return (result.fileSize, sourceDigest, dataSHA256)
        } catch let error as CheckpointError {
            throw writeError(error, output: output)
        }
    }

    /// Writes the `.pth` into `file` through libzip, which asks for each tensor as it reaches its record; rnx's
    /// metadata record comes last, when both digests are known.
    private static func writePTH(
        _ file: OutputFile, output: String, descriptors: [TensorDescriptor], metadata: [(key: String, value: String)],
        produce: @escaping (Int) throws -> Tensor, digest: BackgroundDigest, dataDigest: StreamingDigest
    ) throws -> (size: Int, source: String, data: String) {
        var digests: (source: String, data: String)?
        let finalDigests: () throws -> (source: String, data: String) = {
            if let digests { return digests }
            let value = (try digest.wait().file, dataDigest.finalize())
            digests = value
            return value
        }
        let pthMetadata = metadata.map { item in
            item.key == RNWFormat.Key.format ? (key: item.key, value: PTHFormat.formatName)
                : item.key == RNWFormat.Key.formatVersion ? (key: item.key, value: PTHFormat.version) : item
        }
        // The digests are 64 hex digits, so the record's size is known before they are.
        let placeholder = String(repeating: "0", count: 64)
        let filled: (String, String) -> [UInt8] = { source, data in
            PTHFormat.metadataJSON(pthMetadata.map { item in
                switch item.key {
                case RNWFormat.Key.sourceSHA256: (key: item.key, value: source)
                case RNWFormat.Key.dataSHA256: (key: item.key, value: data)
                default: item
                }
            })
        }
        do {
            var records = try TorchZipWriter.stateDictRecords(
                descriptors: descriptors, tensor: produce,
                serializationID: { serializationID(dataSHA256: (try? finalDigests().data) ?? placeholder) })
            records.append(
                TorchZipWriter.Record(name: PTHFormat.metadataRecord, size: filled(placeholder, placeholder).count) {
                    let value = try finalDigests()
                    return filled(value.source, value.data)
                })
            let size: Int
            do {
                size = try TorchZipWriter.write(
                    descriptor: file.descriptor, folder: TorchZipWriter.folderName(forFile: output), records: records)
            } catch CheckpointError.cannotCreate(let why) {
                throw ConvertError.cannotCreate(path: output, reason: why)
            }
            let value = try finalDigests()
            return (size, value.source, value.data)
        } catch let error as CheckpointError {
            throw writeError(error, output: output)
        }
    }

    /// torch's `.data/serialization_id` is 40 decimal digits; rnx derives them from the data's SHA-256 so the same
    /// conversion gives the same file.
    public static func serializationID(dataSHA256: String) -> String {
        let hex = Array(dataSHA256.utf8)
        func number(_ range: Range<Int>) -> String {
            let value = UInt64(String(decoding: hex[range], as: UTF8.self), radix: 16) ?? 0
            let digits = String(value)
            return String(repeating: "0", count: 20 - digits.count) + digits
        }
        return number(0..<16) + number(16..<32)
    }

    private static func writeError(_ error: CheckpointError, output: String) -> Error {
        switch error {
        case .writeFailed, .cannotCreate: ConvertError.writeFailed(path: output, reason: reason(error))
        default: error
        }
    }

    /// Runs `body`, giving the output errors of `OutputFile` the convert pipeline's cases (with the path).
    private static func mapOutputErrors<T>(_ output: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CheckpointError {
            switch error {
            case .outputExists: throw ConvertError.outputExists(path: output)
            case .outputIsInput: throw ConvertError.outputIsInput(path: output)
            case .cannotCreate: throw ConvertError.cannotCreate(path: output, reason: reason(error))
            case .writeFailed: throw ConvertError.writeFailed(path: output, reason: reason(error))
            default: throw error
            }
        }
    }

    private static func reason(_ error: CheckpointError) -> String {
        switch error {
        case .cannotCreate(let reason), .writeFailed(let reason): reason
        default: error.description
        }
    }

    /// The labels of the output's classifier rows: `given` (checked against the row count), else the input's
    /// (`labels` metadata of a `.rnw`, or the defaults for the source architecture) carried through `plan`.
    public static func outputLabels(
        _ checkpoint: Checkpoint, source: ResNetConfig, plan: AdaptationPlan, given: [String]?,
        configured: [String]? = nil
    ) throws -> [String] {
        if let given {
            guard given.count == plan.target.numClasses else {
                throw ArchError.invalidLabels(
                    "\(given.count) labels for a classifier of \(plan.target.numClasses) classes")
            }
            return given
        }
        // A transformers config's id2label comes first, then what a .rnw records, then the defaults.
        return plan.labels(from: configured ?? ClassLabels.recorded(in: checkpoint.details.metadata, config: source))
    }

    /// How the state dict was taken out of the file, when it was not simply the whole file.
    public static func extractionNotes(_ details: CheckpointDetails) -> [String] {
        var notes: [String] = []
        if let path = details.stateDictPath { notes.append("state dict taken from '\(path)' of a training checkpoint") }
        for prefix in details.strippedPrefixes { notes.append("key prefix '\(prefix)' stripped") }
        return notes
    }

    /// `json` on one line (keys sorted), so a metadata value shows as one line in `rnx inspect`.
    static func compactJSON(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    /// A JSON array of strings, for the `adaptations` metadata value.
    public static func jsonArray(_ lines: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: lines, options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
