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
        let labels = resolved.labels.map(plan.labels(from:))
        // A transformers model is written as the directory save_pretrained writes.
        let directoryOutput = library == .transformers

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
            (RNWFormat.Key.rnxVersion, options.rnxVersion),
            (RNWFormat.Key.dataSHA256, ""),
        ]
        if library != .torchvision || source.naming != .torchvision {
            metadata.insert(contentsOf: [
                (RNWFormat.Key.library, library.rawValue), (RNWFormat.Key.sourceLibrary, source.naming.rawValue),
            ], at: 4)
        }

        var folder: OutputDirectory?
        if directoryOutput {
            folder = try mapOutputErrors(output) {
                try OutputDirectory(path: output, force: options.force, inputs: [input, checkpoint.path])
            }
        }
        defer { folder?.abandon() }
        let file = try mapOutputErrors(output) {
            try folder.map { try $0.file(named: "model.safetensors") }
                ?? OutputFile(path: output, force: options.force, inputs: [input])
        }
        // Whatever fails from here on (or interrupts: see OutputFile), nothing appears at `output`.
        defer { file.abandon() }
        let writer: SafetensorsWriter
        do {
            writer = try SafetensorsWriter(
                output: file, descriptors: outputDescriptors, metadata: metadata,
                reservedKeys: [RNWFormat.Key.sourceSHA256, RNWFormat.Key.dataSHA256])
        } catch let error as CheckpointError {
            throw ConvertError.writeFailed(path: output, reason: reason(error))
        }
        let total = outputDescriptors.reduce(0) { $0 + $1.byteCount }
        var done = 0
        let result: SafetensorsWriter.Result
        let sourceDigest: String
        let dataDigest = StreamingDigest()
        let dataSHA256: String
        do {
            for (index, descriptor) in checkpoint.descriptors.enumerated() {
                let tensor = try plan.apply(try checkpoint.loadTensor(at: index), name: descriptor.name)
                dataDigest.update(tensor.bytes)
                try writer.write(tensor)
                done += tensor.bytes.count
                progress?(done, total)
            }
            sourceDigest = try digest.wait().file
            dataSHA256 = dataDigest.finalize()
            result = try writer.finish(
                patches: [RNWFormat.Key.sourceSHA256: sourceDigest, RNWFormat.Key.dataSHA256: dataSHA256])
        } catch let error as CheckpointError {
            switch error {
            case .writeFailed, .cannotCreate: throw ConvertError.writeFailed(path: output, reason: reason(error))
            default: throw error
            }
        }
        try mapOutputErrors(output) {
            try file.commit()
            if let folder {
                let config = TransformersConfig.json(for: target, labels: labels)
                try folder.write(Array(config.utf8), toFile: "config.json")
                try folder.commit()
            }
        }
        return ConvertReport(
            input: input, output: output, config: target, tensorCount: outputDescriptors.count,
            adaptations: notes, outputSize: result.fileSize, dataSHA256: dataSHA256,
            sourceSHA256: sourceDigest)
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

    /// How the state dict was taken out of the file, when it was not simply the whole file.
    static func extractionNotes(_ details: CheckpointDetails) -> [String] {
        var notes: [String] = []
        if let path = details.stateDictPath { notes.append("state dict taken from '\(path)' of a training checkpoint") }
        for prefix in details.strippedPrefixes { notes.append("key prefix '\(prefix)' stripped") }
        return notes
    }

    /// A JSON array of strings, for the `adaptations` metadata value.
    static func jsonArray(_ lines: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: lines, options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
