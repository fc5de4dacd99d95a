import RNXTensor

/// Checks a state dict against a ResNet configuration, the way `load_state_dict(strict=True)` would.
public enum WeightMapping {
    /// Throws `ArchError.mismatch` listing every missing key, unexpected key and shape mismatch together.
    ///
    /// A missing `num_batches_tracked` is accepted: torch before 0.4.1 did not save it, and BatchNorm's loader
    /// fills it in for such files.
    public static func check(_ descriptors: [TensorDescriptor], against config: ResNetConfig) throws {
        let problems = self.problems(descriptors, against: config)
        if !problems.isEmpty { throw ArchError.mismatch(problems) }
    }

    /// Every difference between the tensors and the configuration, missing keys first, in state-dict order.
    public static func problems(_ descriptors: [TensorDescriptor], against config: ResNetConfig) -> [MappingProblem] {
        let expected = config.moduleTree.stateDictEntries()
        var found: [String: [Int]] = [:]
        for descriptor in descriptors where found[descriptor.name] == nil { found[descriptor.name] = descriptor.shape }
        let expectedNames = Set(expected.map(\.name))
        var missing: [String] = []
        var mismatches: [MappingProblem] = []
        for entry in expected {
            guard let shape = found[entry.name] else {
                if !entry.name.hasSuffix(".num_batches_tracked") { missing.append(entry.name) }
                continue
            }
            if shape != entry.shape {
                mismatches.append(.shapeMismatch(key: entry.name, expected: entry.shape, found: shape))
            }
        }
        var seen = Set<String>()
        let unexpected = descriptors.map(\.name).filter { !expectedNames.contains($0) && seen.insert($0).inserted }
        var problems: [MappingProblem] = []
        if !missing.isEmpty { problems.append(.missingKeys(missing)) }
        if !unexpected.isEmpty { problems.append(.unexpectedKeys(unexpected)) }
        return problems + mismatches
    }

    /// Whether the tensors are a ResNet rnx maps: detected, and every name and shape fits (what `rnx convert`
    /// without `--arch` needs). Used to find the model among a checkpoint's dicts of tensors.
    @Sendable public static func isResNet(_ descriptors: [TensorDescriptor]) -> Bool {
        (try? resolve(descriptors)) != nil
    }

    /// The architecture the tensors are checked against: `--arch NAME` if given, else the detected one.
    ///
    /// With a name, num_classes and in_channels come from the file's classifier and stem (so a 10-class resnet18
    /// passes `--arch resnet18`) unless `numClasses` or `inChannels` override them. The tensors are then checked.
    public static func resolve(
        _ descriptors: [TensorDescriptor], arch: String? = nil, numClasses: Int? = nil, inChannels: Int? = nil
    ) throws -> ResNetConfig {
        try resolve(
            descriptors, arch: arch, numClasses: numClasses, inChannels: inChannels, transformersConfig: nil
        ).config
    }
}
