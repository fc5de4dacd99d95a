import Foundation
import RNXArch
import RNXCheckpoint
import RNXPickle
import RNXTensor

/// Opens what the command line calls MODEL: a checkpoint or `.rnw` file, or an architecture name.
public enum ModelLoader {
    /// How MODEL was resolved, for reports.
    public struct Loaded: Sendable {
        /// The network, with BatchNorm folded and every weight float32.
        public let model: ForwardModel
        /// The file's path, or nil for an architecture name with synthetic weights.
        public let path: String?
        /// The architecture's name (`resnet50`) or its description for a custom configuration.
        public let architecture: String
        /// The adaptations applied on the fly, one line each.
        public let notes: [String]
        /// Running-variance entries that are not positive and finite (names), found while loading.
        public let badRunningVariances: [String]
        /// The adaptations the file says it was made with (`.rnw` metadata `adaptation_spec`), empty when none.
        public let recordedAdaptations: [Adaptation]
        /// The classifier rows' names: recorded in a `.rnw`, given by a transformers config (`id2label`), else the
        /// defaults for the class count, carried through the on-the-fly adaptations.
        public var labels: [String]
        /// What mapping the file assumed rather than read (a transformers file without config.json), one line each.
        public var assumptions: [String] = []

        /// Wraps a model built in code; the architecture defaults to the configuration's name, the labels to the
        /// defaults for its class count.
        public init(
            model: ForwardModel, path: String? = nil, architecture: String? = nil, notes: [String] = [],
            badRunningVariances: [String] = [], recordedAdaptations: [Adaptation] = [], labels: [String]? = nil
        ) {
            self.model = model
            self.labels = labels ?? ClassLabels.defaults(for: model.config)
            self.path = path
            self.architecture = architecture ?? model.config.displayName
            self.notes = notes
            self.badRunningVariances = badRunningVariances
            self.recordedAdaptations = recordedAdaptations
        }
    }

    /// Loads `reference`: a named architecture, whose weights are `SyntheticWeights`, or a checkpoint file.
    ///
    /// A file is mapped like `rnx convert` maps it: `arch` insists on an architecture (otherwise it is detected),
    /// and `numClasses` / `inChannels` adapt the classifier and stem the same way, in memory. `limits` bound the
    /// checkpoint's pickle.
    public static func load(
        _ reference: ModelReference, arch: String? = nil, numClasses: Int? = nil, inChannels: Int? = nil,
        strideIn: StrideIn? = nil, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Loaded {
        switch reference {
        case .architecture(let name, var config):
            // `--arch` checks a file against an architecture; a name is one already, so another one is a mistake.
            if let arch { throw ForwardError.archWithName(name: name, arch: arch) }
            if let numClasses { config.numClasses = try positive("num-classes", numClasses) }
            if let inChannels { config.inChannels = try positive("in-channels", inChannels) }
            let forward = try ForwardModel(config: config, weights: SyntheticWeights(config: config))
            return Loaded(model: forward, path: nil, architecture: name, notes: ["synthetic weights"],
                          badRunningVariances: [])
        case .file(let path):
            return try load(path, arch: arch, numClasses: numClasses, inChannels: inChannels, strideIn: strideIn,
                            limits: limits, selection: selection)
        }
    }

    /// Loads the checkpoint at `model`, mapped and adapted as `load(_:arch:numClasses:inChannels:limits:)` says.
    public static func load(
        _ model: String, arch: String? = nil, numClasses: Int? = nil, inChannels: Int? = nil,
        strideIn: StrideIn? = nil, limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Loaded {
        var adaptations: [Adaptation] = []
        if let numClasses { adaptations.append(.numClasses(numClasses)) }
        if let inChannels { adaptations.append(.inChannels(inChannels)) }
        return try load(
            model, arch: arch, adaptations: adaptations, strideIn: strideIn, limits: limits, selection: selection)
    }

    /// Loads the checkpoint at `model` mapped onto its architecture (`arch`, or detected) with `adaptations`
    /// applied in memory, exactly as `rnx convert` would apply them to the file.
    public static func load(
        _ model: String, arch: String? = nil, adaptations: [Adaptation], strideIn: StrideIn? = nil,
        limits: PickleLimits = .standard, selection: StateDictSelection = .automatic
    ) throws -> Loaded {
        let checkpoint = try Checkpoint.open(path: model, limits: limits, selection: selection)
        let resolved = try WeightMapping.resolve(
            checkpoint.descriptors, arch: arch, transformersConfig: checkpoint.companionConfig, strideIn: strideIn)
        let source = resolved.config
        let recorded = try recordedAdaptations(in: checkpoint.details)
        let bad = try badRunningVariances(in: checkpoint)
        let name = source.displayName
        let labels = resolved.labels ?? ClassLabels.recorded(in: checkpoint.details.metadata, config: source)
        if adaptations.isEmpty {
            let forward = try ForwardModel(config: source, weights: checkpoint)
            var loaded = Loaded(model: forward, path: model, architecture: name, notes: resolved.notes,
                                badRunningVariances: bad, recordedAdaptations: recorded, labels: labels)
            loaded.assumptions = resolved.notes
            return loaded
        }
        let plan = try AdaptationPlan(source: source, descriptors: checkpoint.descriptors, adaptations: adaptations)
        let forward = try ForwardModel(config: plan.target, weights: AdaptedSource(base: checkpoint, plan: plan))
        var loaded = Loaded(model: forward, path: model, architecture: name, notes: resolved.notes + plan.notes,
                            badRunningVariances: bad, recordedAdaptations: recorded, labels: plan.labels(from: labels))
        loaded.assumptions = resolved.notes
        return loaded
    }

    /// What an `.rnw` file records of its adaptations; other files record none.
    static func recordedAdaptations(in details: CheckpointDetails) throws -> [Adaptation] {
        guard details.metadata[RNWFormat.Key.format] == RNWFormat.formatName,
              let record = details.metadata[RNWFormat.Key.adaptationSpec]
        else { return [] }
        return try Adaptation.parseRecord(record)
    }

    private static func positive(_ name: String, _ value: Int) throws -> Int {
        guard value >= 1 else { throw ForwardError.invalidSetting(name: name, value: value) }
        return value
    }

    /// Names of BatchNorm running variances that are zero, negative or not finite (folding divides by their root).
    public static func badRunningVariances(in source: some TensorSource) throws -> [String] {
        var bad: [String] = []
        for (index, descriptor) in source.descriptors.enumerated()
        where descriptor.name.hasSuffix(".running_var") && descriptor.dtype.isFloatingPoint {
            if try source.loadTensor(at: index).floats().contains(where: { !($0 > 0) || !$0.isFinite }) {
                bad.append(descriptor.name)
            }
        }
        return bad
    }
}
