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
/// read, adapted and appended to a temporary file in the output's directory while the input's SHA-256 and the
/// data section's are computed on other threads. Only when everything succeeded is the file synced and renamed into
/// place, so an error leaves no output behind, and the input is only ever read.
public enum Converter {
    /// Refuses an output that exists (unless `force`) or that is the input itself. Call before `convert`.
    public static func checkOutput(_ output: String, input: String, force: Bool) throws {
        var outputInfo = stat()
        guard stat(output, &outputInfo) == 0 else { return }
        var inputInfo = stat()
        if stat(input, &inputInfo) == 0 && inputInfo.st_dev == outputInfo.st_dev && inputInfo.st_ino == outputInfo.st_ino {
            throw ConvertError.outputIsInput(path: output)
        }
        if !force { throw ConvertError.outputExists(path: output) }
    }

    /// Converts `checkpoint` (opened from `input`) to `output`.
    ///
    /// - Parameter progress: called after each tensor with (bytes done, bytes in all).
    public static func convert(
        _ checkpoint: Checkpoint, input: String, output: String, options: ConvertOptions,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ConvertReport {
        try checkOutput(output, input: input, force: options.force)
        let source = try WeightMapping.resolve(checkpoint.descriptors, arch: options.arch)
        let plan = try AdaptationPlan(
            source: source, descriptors: checkpoint.descriptors, adaptations: options.adaptations)
        let outputDescriptors = checkpoint.descriptors.map(plan.descriptor(for:))
        let target = plan.target
        var notes = extractionNotes(checkpoint.details) + plan.notes
        let labels = try outputLabels(checkpoint, source: source, plan: plan, given: options.labels)
        if options.labels != nil { notes.append("labels set from a file (\(labels.count) names)") }

        // The input's digest goes into the header, so it is computed alongside and patched in at the end.
        let digest = BackgroundDigest(path: input)
        // Whatever happens, the background read of the input ends before convert returns.
        defer { _ = digest.waitIgnoringErrors() }
        let metadata: [(key: String, value: String)] = [
            (RNWFormat.Key.format, RNWFormat.formatName),
            (RNWFormat.Key.formatVersion, RNWFormat.version),
            (RNWFormat.Key.architecture, target.displayName),
            (RNWFormat.Key.config, target.jsonDescription),
            (RNWFormat.Key.numClasses, String(target.numClasses)),
            (RNWFormat.Key.inChannels, String(target.inChannels)),
            (RNWFormat.Key.sourceFile, URL(fileURLWithPath: input).lastPathComponent),
            (RNWFormat.Key.sourceFormat, checkpoint.format.rawValue),
            (RNWFormat.Key.sourceSHA256, ""),
            (RNWFormat.Key.adaptations, jsonArray(notes)),
            (RNWFormat.Key.labels, ClassLabels.json(labels)),
            (RNWFormat.Key.rnxVersion, options.rnxVersion),
            (RNWFormat.Key.dataSHA256, ""),
        ]

        let outputURL = URL(fileURLWithPath: output)
        let directory = outputURL.deletingLastPathComponent().path
        let temporary = outputURL.deletingLastPathComponent()
            .appendingPathComponent(".\(outputURL.lastPathComponent).rnx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            .path
        let writer: SafetensorsWriter
        do {
            writer = try SafetensorsWriter(
                path: temporary, descriptors: outputDescriptors, metadata: metadata,
                reservedKeys: [RNWFormat.Key.sourceSHA256, RNWFormat.Key.dataSHA256])
        } catch let error as CheckpointError {
            throw ConvertError.cannotCreate(path: output, reason: reason(error))
        }
        var committed = false
        defer {
            if !committed { unlink(temporary) }
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
        try publish(temporary, as: output, force: options.force)
        committed = true
        syncDirectory(directory.isEmpty ? "." : directory)
        return ConvertReport(
            input: input, output: output, config: target, tensorCount: outputDescriptors.count,
            adaptations: notes, outputSize: result.fileSize, dataSHA256: dataSHA256,
            sourceSHA256: sourceDigest)
    }

    /// Moves the finished temporary file into place: atomically replacing with `force`, else never replacing.
    private static func publish(_ temporary: String, as output: String, force: Bool) throws {
        if force {
            guard rename(temporary, output) == 0 else {
                throw ConvertError.writeFailed(path: output, reason: String(cString: strerror(errno)))
            }
            return
        }
        // link(2) fails if the output appeared meanwhile, where rename(2) would silently replace it.
        guard link(temporary, output) == 0 else {
            let code = errno
            if code == EEXIST { throw ConvertError.outputExists(path: output) }
            // Some file systems have no hard links; fall back to rename after a last check.
            if access(output, F_OK) == 0 { throw ConvertError.outputExists(path: output) }
            guard rename(temporary, output) == 0 else {
                throw ConvertError.writeFailed(path: output, reason: String(cString: strerror(errno)))
            }
            return
        }
        unlink(temporary)
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
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
    static func outputLabels(
        _ checkpoint: Checkpoint, source: ResNetConfig, plan: AdaptationPlan, given: [String]?
    ) throws -> [String] {
        if let given {
            guard given.count == plan.target.numClasses else {
                throw ArchError.invalidLabels(
                    "\(given.count) labels for a classifier of \(plan.target.numClasses) classes")
            }
            return given
        }
        return plan.labels(from: ClassLabels.recorded(in: checkpoint.details.metadata, config: source))
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
