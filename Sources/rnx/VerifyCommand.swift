import ArgumentParser
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXExport
import RNXTensor

/// `rnx verify FILE...`: checksums, torch.hub names, architecture mapping and .rnw integrity, for CI.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check files: SHA-256, torch.hub name prefix, architecture mapping and .rnw integrity.",
        discussion: """
            For each file: its SHA-256; if the name follows torch.hub's NAME-<hex>.EXT convention, the hex must \
            start the SHA-256 (as torch.hub checks it); with --sha256 the whole digest must match. Every tensor must \
            map onto the detected (or --arch) architecture with the right shape, with nothing missing or unexpected, \
            and every tensor's bytes must read back intact (zip CRCs, storage sizes, views inside their storages). \
            For a .rnw file the header must be well-formed, the offsets must cover the data exactly and the data's \
            SHA-256 must equal the one in its metadata; likewise for an .onnx file (its graph well-formed, every \
            initializer's bytes present, inline or in its external data file, their SHA-256 the data_sha256 of its \
            metadata_props); likewise for a .pth rnx wrote, whose tensors' SHA-256 must \
            equal the data_sha256 of its rnx/metadata.json record.

            One line per file, OK or FAIL with every reason; the exit status is 0 only if every file passes, else 1.

            Examples:
              rnx verify resnet34-b627a593.pth
              rnx verify model.rnw --arch resnet50 --sha256 9c1d...e4
              rnx verify --json weights/*.rnw
            """
    )

    @Argument(help: "The files to check.")
    var files: [String]

    @Option(help: "Check against this architecture (see rnx archs) instead of the detected one.")
    var arch: String?

    @Option(help: "The expected SHA-256 of the file (64 hex digits).")
    var sha256: String?

    @Flag(help: "Print one JSON document ({\"ok\": ..., \"files\": [...]}) instead of lines.")
    var json = false

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions
    @OptionGroup(title: "Choosing the model") var stateDict: StateDictOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to verify") }
    }

    func run() throws {
        if let sha256, !Verifier.isDigest(sha256) { throw ConvertError.invalidDigest(sha256) }
        if let arch, ResNetConfig.named(arch) == nil { throw ArchError.unknownArchitecture(arch) }
        let results = files.map { file in
            file.lowercased().hasSuffix(".onnx")
                ? Self.verifyONNX(file, sha256: sha256)
                : Verifier.verify(path: file, arch: arch, sha256: sha256, open: {
                    try pickleLimits.open($0, selection: stateDict.selection)
                })
        }
        if json {
            print(VerifyResult.json(results))
        } else {
            for result in results { print(result.line) }
        }
        if !results.allSatisfy(\.passed) { throw ExitCode(1) }
    }

    /// An ONNX model: its SHA-256 checks, then `ONNXVerifier`'s.
    static func verifyONNX(_ path: String, sha256: String?) -> VerifyResult {
        var result = VerifyResult(path: path)
        result.format = "onnx"
        do {
            let digest = try FileDigest.sha256(path: path).file
            result.sha256 = digest
            result.problems += Verifier.digestProblems(path: path, digest: digest, expected: sha256)
        } catch {
            result.problems.append((error as? RNXError)?.description ?? "\(error)")
            return result
        }
        let report = ONNXVerifier.verify(path: path)
        result.tensorCount = report.initializerCount
        result.architecture = report.architecture
        result.problems += report.problems
        return result
    }
}
