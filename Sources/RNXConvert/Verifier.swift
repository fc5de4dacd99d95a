import Foundation
import RNXArch
import RNXCheckpoint
import RNXTensor

/// Checks files for CI: checksums, the torch.hub naming convention, the architecture mapping and `.rnw` integrity.
public enum Verifier {
    /// torch.hub's `HASH_REGEX`: the hex digits between the last-but-extension dash and a dot, e.g. `b627a593`
    /// in `resnet34-b627a593.pth`. Like `torch.hub.download_url_to_file`'s `check_hash`, the first match counts.
    public static func hubHashPrefix(fileName: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: "-([a-f0-9]*)\\.") else { return nil }
        let range = NSRange(fileName.startIndex..., in: fileName)
        guard let match = regex.firstMatch(in: fileName, range: range),
              let group = Range(match.range(at: 1), in: fileName)
        else { return nil }
        return String(fileName[group])
    }

    /// Whether `text` is a SHA-256 in hex (64 digits, either case).
    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.allSatisfy(\.isHexDigit)
    }

    /// Verifies one file. Never throws: every failure becomes a problem in the result.
    ///
    /// - Parameters:
    ///   - path: the file to verify.
    ///   - arch: check against this named architecture instead of the detected one.
    ///   - expected: the whole expected digest (already validated with `isDigest`).
    ///   - open: how the file is opened (with the command line's pickle limits).
    public static func verify(
        path: String, arch: String? = nil, sha256 expected: String? = nil,
        open: (String) throws -> Checkpoint = { try Checkpoint.open(path: $0) }
    ) -> VerifyResult {
        var result = VerifyResult(path: path)
        var checkpoint: Checkpoint?
        // The safetensors header as the reader validated it (zip archives carry other metadata).
        var safetensors: CheckpointDetails?
        do {
            let opened = try open(path)
            checkpoint = opened
            result.format = opened.format.rawValue
            result.tensorCount = opened.descriptors.count
            if opened.format == .safetensors { safetensors = opened.details }
        } catch {
            result.problems.append(describe(error))
        }

        // The digest is needed whatever else failed; one pass gives the file's and the data section's. It runs on
        // another thread while every tensor is read here, so the data check costs little extra wall time.
        // A save_pretrained directory is verified through its weight file.
        let digest = BackgroundDigest(path: checkpoint?.path ?? path, sectionStart: safetensors?.dataOffset)
        // A .pth rnx wrote records the SHA-256 of its tensors' bytes, hashed here as they are read.
        let pthMetadata = checkpoint.flatMap(rnxPTHMetadata)
        var tensorDigest: String?
        let dataProblems: [String]
        if let checkpoint, pthMetadata != nil {
            (dataProblems, tensorDigest) = readAndHashEveryTensor(checkpoint)
        } else {
            dataProblems = checkpoint.map(readEveryTensor) ?? []
        }
        var sectionDigest: String?
        do {
            let digests = try digest.wait()
            result.sha256 = digests.file
            sectionDigest = digests.section
        } catch {
            if checkpoint != nil { result.problems.append(describe(error)) }
        }
        if let digest = result.sha256 { result.problems += digestProblems(path: path, digest: digest, expected: expected) }

        var config: ResNetConfig?
        if let checkpoint {
            do {
                config = try WeightMapping.resolve(
                    checkpoint.descriptors, arch: arch, transformersConfig: checkpoint.companionConfig).config
                result.architecture = config?.displayName
            } catch {
                result.problems.append(describe(error))
            }
        }
        result.problems += dataProblems
        if let metadata = safetensors?.metadata, metadata[RNWFormat.Key.format] == RNWFormat.formatName {
            result.problems += rnwProblems(metadata: metadata, dataDigest: sectionDigest)
            if let config { result.problems += metadataMismatches(metadata, config) }
        }
        if let metadata = pthMetadata {
            result.problems += rnwProblems(metadata: metadata, dataDigest: tensorDigest, format: PTHFormat.formatName)
            if let config { result.problems += metadataMismatches(metadata, config, format: PTHFormat.formatName) }
        }
        return result
    }

    /// The metadata record of a `.pth` rnx wrote (keys without the `rnx.` prefix the reader gives them), or nil.
    static func rnxPTHMetadata(_ checkpoint: Checkpoint) -> [String: String]? {
        guard checkpoint.format == .torchZip, checkpoint.details.metadata["rnx.format"] == PTHFormat.formatName
        else { return nil }
        var metadata: [String: String] = [:]
        for (key, value) in checkpoint.details.metadata where key.hasPrefix("rnx.") {
            metadata[String(key.dropFirst(4))] = value
        }
        return metadata
    }

    /// Like `readEveryTensor`, also giving the SHA-256 of all tensor bytes in order (nil if a tensor failed).
    static func readAndHashEveryTensor(_ checkpoint: Checkpoint) -> ([String], String?) {
        let digest = StreamingDigest()
        for (index, descriptor) in checkpoint.descriptors.enumerated() {
            do {
                digest.update(try checkpoint.loadTensor(at: index).bytes)
            } catch {
                let reason = (error as? RNXError)?.description ?? "\(error)"
                return ([CheckpointError.tensorUnreadable(name: descriptor.name, reason: reason).description], nil)
            }
        }
        return ([], digest.finalize())
    }

    /// The checks on a file's SHA-256: torch.hub's prefix in its name, and the whole expected digest if given.
    public static func digestProblems(path: String, digest: String, expected: String?) -> [String] {
        var problems: [String] = []
        let name = URL(fileURLWithPath: path).lastPathComponent
        if let prefix = hubHashPrefix(fileName: name), !digest.hasPrefix(prefix) {
            problems.append("SHA-256 \(digest) does not start with \(prefix) from the file name")
        }
        if let expected, digest != expected.lowercased() {
            problems.append("SHA-256 \(digest) is not the expected \(expected.lowercased())")
        }
        return problems
    }

    /// Reads every tensor's bytes (CRCs, storage sizes, view bounds); the first failure, naming its tensor.
    static func readEveryTensor(_ checkpoint: Checkpoint) -> [String] {
        do {
            try checkpoint.readEveryTensor()
            return []
        } catch {
            return [describe(error)]
        }
    }

    /// The `.rnw`-specific checks: a known format version and the data section's digest as recorded.
    static func rnwProblems(
        metadata: [String: String], dataDigest: String?, format: String = RNWFormat.formatName
    ) -> [String] {
        var problems: [String] = []
        let version = metadata[RNWFormat.Key.formatVersion]
        let expected = format == PTHFormat.formatName ? PTHFormat.version : RNWFormat.version
        if version != expected {
            problems.append("\(format) format_version \(version.map { "'\($0)'" } ?? "missing") is not \(expected)")
        }
        guard let recorded = metadata[RNWFormat.Key.dataSHA256] else {
            problems.append("\(format) metadata has no data_sha256")
            return problems
        }
        if let dataDigest, recorded != dataDigest {
            problems.append("data SHA-256 \(dataDigest) does not match data_sha256 \(recorded) in the metadata")
        }
        return problems
    }

    /// Where the metadata's architecture, num_classes or in_channels disagree with what the tensors are.
    static func metadataMismatches(
        _ metadata: [String: String], _ config: ResNetConfig, format: String = RNWFormat.formatName
    ) -> [String] {
        let facts = [
            (RNWFormat.Key.architecture, config.displayName), (RNWFormat.Key.numClasses, String(config.numClasses)),
            (RNWFormat.Key.inChannels, String(config.inChannels)),
        ]
        return facts.compactMap { key, actual in
            metadata[key] == actual ? nil : "\(format) metadata says \(key) \(metadata[key] ?? "(missing)"), the tensors say \(actual)"
        }
    }

    private static func describe(_ error: Error) -> String {
        (error as? RNXError)?.description ?? "\(error)"
    }
}
