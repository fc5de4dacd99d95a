import RNXTensor

/// Everything that can go wrong when mapping weights onto a ResNet or adapting them.
public enum ArchError: Error, Equatable, Sendable {
    /// The weights do not fit the architecture; every problem found, together.
    case mismatch([MappingProblem])
    /// The tensors are not a ResNet layout rnx supports: what was recognised and what was not.
    case unsupportedLayout(recognised: [String], unrecognised: [String])
    /// `--arch NAME` names no known architecture.
    case unknownArchitecture(String)
    /// An `ARCH|FILE` argument that is neither a named architecture nor an existing file.
    case notArchitectureOrFile(String)
    /// `--classes` asks for a row the classifier does not have.
    case classIndexOutOfRange(index: Int, classes: Int)
    /// An adaptation that cannot be done (e.g. zero classes); the text says which and why.
    case invalidAdaptation(String)
    /// A transformers `config.json` that is malformed or describes a ResNet rnx does not run.
    case invalidTransformersConfig(String)
    /// `--to LIBRARY` for an architecture that library cannot build.
    case notInLibrary(architecture: String, library: String, reason: String)
    /// A file's recorded adaptations (`.rnw` metadata `adaptation_spec`) that cannot be read back: the reason.
    case invalidAdaptationRecord(String)
    /// A labels file (`--labels`) that cannot serve as the classifier's class names.
    case invalidLabels(String)
}

/// One way in which a state dict differs from what an architecture expects, in torchvision's terms.
public enum MappingProblem: Equatable, Sendable, CustomStringConvertible {
    /// Keys the architecture has and the file does not (`num_batches_tracked` is never reported).
    case missingKeys([String])
    /// Keys the file has and the architecture does not.
    case unexpectedKeys([String])
    /// A key present in both with different shapes.
    case shapeMismatch(key: String, expected: [Int], found: [Int])

    /// Long key lists are cut after this many names so the error stays one readable line.
    public static let listedKeys = 8

    /// The problem in torch's terms, long key lists cut after ``listedKeys`` names.
    public var description: String {
        switch self {
        case .missingKeys(let keys): "missing keys: " + MappingProblem.list(keys)
        case .unexpectedKeys(let keys): "unexpected keys: " + MappingProblem.list(keys)
        case .shapeMismatch(let key, let expected, let found):
            "\(key): expected \(expected.shapeDescription), found \(found.shapeDescription)"
        }
    }

    private static func list(_ keys: [String]) -> String {
        let shown = keys.prefix(listedKeys).joined(separator: ", ")
        return keys.count > listedKeys ? shown + " (and \(keys.count - listedKeys) more)" : shown
    }
}

extension ArchError: RNXError {
    /// `.badData` when the file's weights or records do not fit, `.usage` when the request itself is impossible
    /// (an unknown name, a class index or adaptation out of range).
    public var category: ErrorCategory {
        switch self {
        case .mismatch, .unsupportedLayout, .invalidTransformersConfig, .invalidAdaptationRecord: .badData
        case .notInLibrary, .invalidLabels: .usage
        case .unknownArchitecture, .notArchitectureOrFile, .classIndexOutOfRange, .invalidAdaptation: .usage
        }
    }

    /// One line naming the keys, shapes or values at fault; a mismatch lists every problem at once.
    public var description: String {
        switch self {
        case .mismatch(let problems):
            let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            return "weights do not fit the architecture (\(count)): "
                + problems.map(\.description).joined(separator: "; ")
        case .unsupportedLayout(let recognised, let unrecognised):
            let seen = recognised.isEmpty ? "nothing" : recognised.joined(separator: ", ")
            return "not a supported ResNet layout: recognised \(seen); not recognised: "
                + unrecognised.joined(separator: "; ")
        case .unknownArchitecture(let name):
            return "unknown architecture '\(name)' (rnx archs lists the names)"
        case .notArchitectureOrFile(let argument):
            return "'\(argument)' is neither a named architecture (see rnx archs) nor a file"
        case .classIndexOutOfRange(let index, let classes):
            return "class index \(index) is out of range: the classifier has \(classes) rows (0-\(classes - 1))"
        case .invalidAdaptation(let reason):
            return reason
        case .invalidTransformersConfig(let reason):
            return "transformers config.json: " + reason
        case .notInLibrary(let architecture, let library, let reason):
            return "\(library) has no \(architecture): \(reason)"
        case .invalidAdaptationRecord(let reason):
            return "the recorded adaptations (metadata 'adaptation_spec') cannot be read: \(reason)"
        case .invalidLabels(let reason):
            return "labels: \(reason)"
        }
    }
}
