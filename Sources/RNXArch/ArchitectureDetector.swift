import RNXTensor

/// Works out which ResNet a state dict is, from its tensor names and shapes alone.
///
/// It reads the stem (`conv1.weight`: 7×7 with 64 channels for torchvision, 3×3 with 16 for CIFAR, and in_channels),
/// the classifier (`fc` or `linear`: num_classes), the stages `layerN.M.` (blocks per stage), the block type
/// (a `conv3` means Bottleneck), groups and width per group (from the first bottleneck's `conv1` and `conv2`) and,
/// for CIFAR nets, the shortcut option (`shortcut.0` means option B). Detection does not check every shape: follow it
/// with `WeightMapping.check`, which reports all differences together.
public enum ArchitectureDetector {
    /// The configuration the tensors describe, or `ArchError.unsupportedLayout` saying what was and was not recognised.
    public static func detect(_ descriptors: [TensorDescriptor]) throws -> ResNetConfig {
        var shapes: [String: [Int]] = [:]
        for descriptor in descriptors where shapes[descriptor.name] == nil { shapes[descriptor.name] = descriptor.shape }
        if descriptors.contains(where: { $0.name.hasPrefix(TransformersLayout.prefix) }) {
            return try TransformersLayout.detect(shapes: shapes, names: descriptors.map(\.name))
        }
        var recognised: [String] = []
        var unrecognised: [String] = []

        // Stem.
        var stemFamily: ResNetConfig.Family?
        var inChannels = 3
        var stem = ResNetConfig.Stem.conv7x7
        if descriptors.contains(where: { $0.name.hasPrefix("conv1.") && $0.name != "conv1.weight" }) {
            switch deepStem(shapes) {
            case .success(let (deep, channels)):
                stemFamily = .imagenet
                stem = deep
                inChannels = channels
                recognised.append(
                    "timm \(deep.timmName) stem (\(deep.channels.map(String.init).joined(separator: "/")) channels, "
                        + "\(inChannels) input channels)")
            case .failure(let reason):
                unrecognised.append(reason.text)
            }
        } else if let stem = shapes["conv1.weight"] {
            if stem.count == 4 && stem[0] == 64 && stem[2] == 7 && stem[3] == 7 {
                stemFamily = .imagenet
            } else if stem.count == 4 && stem[0] == 16 && stem[2] == 3 && stem[3] == 3 {
                stemFamily = .cifar
            } else {
                unrecognised.append(
                    "stem conv1.weight \(stem.shapeDescription) (expected [64, C, 7, 7] or [16, C, 3, 3])")
            }
            if let family = stemFamily {
                inChannels = stem[1]
                recognised.append(
                    family == .imagenet
                        ? "ImageNet stem (7x7 conv, \(inChannels) input channels)"
                        : "CIFAR stem (3x3 conv, \(inChannels) input channels)")
            }
        } else {
            unrecognised.append("no stem convolution conv1.weight")
        }

        // Classifier.
        var classifierFamily: ResNetConfig.Family?
        var numClasses = 0
        let classifiers: [(String, ResNetConfig.Family)] = [("fc", .imagenet), ("linear", .cifar)]
        let present = classifiers.filter { shapes[$0.0 + ".weight"] != nil }
        if present.count == 1, let (name, family) = present.first, let weight = shapes[name + ".weight"],
           weight.count == 2 {
            classifierFamily = family
            numClasses = weight[0]
            recognised.append("classifier \(name) with \(numClasses) classes")
        } else if present.count > 1 {
            unrecognised.append("two classifiers (fc.weight and linear.weight)")
        } else if let (name, _) = present.first, let weight = shapes[name + ".weight"] {
            unrecognised.append("classifier \(name).weight \(weight.shapeDescription) (expected rank 2)")
        } else {
            unrecognised.append("no classifier (fc.weight or linear.weight)")
        }
        if let stemFamily, let classifierFamily, stemFamily != classifierFamily {
            unrecognised.append(
                "\(stemFamily == .imagenet ? "an ImageNet" : "a CIFAR") stem with "
                    + "\(classifierFamily == .imagenet ? "torchvision's fc" : "CIFAR's linear") classifier")
        }

        // Stages and blocks.
        var blocksByStage: [Int: Set<Int>] = [:]
        for descriptor in descriptors {
            let parts = descriptor.name.split(separator: ".", maxSplits: 2)
            guard parts.count == 3, parts[0].hasPrefix("layer"), let stage = Int(parts[0].dropFirst(5)),
                  let block = Int(parts[1]), stage >= 1, block >= 0
            else { continue }
            blocksByStage[stage, default: []].insert(block)
        }
        let family = stemFamily ?? classifierFamily ?? .imagenet
        let expectedStages = family == .imagenet ? 4 : 3
        var layers: [Int] = []
        if blocksByStage.isEmpty {
            unrecognised.append("no residual stages (layer1.0. ...)")
        } else if blocksByStage.keys.sorted() != Array(1...expectedStages) {
            unrecognised.append(
                "stages \(blocksByStage.keys.sorted().map { "layer\($0)" }.joined(separator: ", ")) "
                    + "(a \(family == .imagenet ? "torchvision" : "CIFAR") ResNet has layer1-layer\(expectedStages))")
        } else {
            for stage in 1...expectedStages {
                let blocks = blocksByStage[stage] ?? []
                if blocks.sorted() != Array(0..<blocks.count) {
                    unrecognised.append("layer\(stage) blocks numbered \(blocks.sorted()) (expected 0, 1, 2, ...)")
                }
                layers.append(blocks.count)
            }
        }

        // Block type, groups and width.
        let isBottleneck = shapes["layer1.0.conv3.weight"] != nil
        var groups = 1
        var widthPerGroup = 64
        if isBottleneck {
            if family == .cifar {
                unrecognised.append("Bottleneck blocks in a CIFAR ResNet")
            } else if let conv1 = shapes["layer1.0.conv1.weight"], let conv2 = shapes["layer1.0.conv2.weight"],
                      conv1.count == 4, conv2.count == 4, conv1[0] > 0, conv2[1] > 0, conv1[0] % conv2[1] == 0 {
                // Stage 1's width is width_per_group × groups, and its grouped conv2 sees width / groups inputs.
                let width = conv1[0]
                groups = width / conv2[1]
                widthPerGroup = width / groups
            } else {
                unrecognised.append("Bottleneck width (layer1.0.conv1.weight and layer1.0.conv2.weight)")
            }
        } else if shapes["layer1.0.conv1.weight"] == nil && !blocksByStage.isEmpty {
            unrecognised.append("block type (no layer1.0.conv1.weight)")
        }
        if !layers.isEmpty {
            let groupText = isBottleneck && (groups != 1 || widthPerGroup != 64)
                ? ", groups \(groups), width per group \(widthPerGroup)" : ""
            recognised.append(
                "\(isBottleneck ? "Bottleneck" : "BasicBlock") stages \(layers.shapeDescription)\(groupText)")
        }

        var shortcut: ResNetConfig.Shortcut =
            family == .cifar && !descriptors.contains(where: { $0.name.contains(".shortcut.0.") }) ? .zeroPad : .projection
        if family == .cifar && !layers.isEmpty {
            recognised.append("option \(shortcut.rawValue) shortcuts")
        }
        // timm's avg-down shortcut holds its 1x1 convolution at downsample.1 (torchvision's downsample.1 is a BN).
        if family == .imagenet,
           descriptors.contains(where: { $0.name.hasSuffix(".downsample.1.weight") && $0.shape.count == 4 }) {
            shortcut = .avgDown
            recognised.append("timm avg-down shortcuts")
        }
        var attention = ResNetConfig.Attention.none
        if family == .imagenet, !layers.isEmpty {
            switch detectAttention(shapes, block: isBottleneck ? .bottleneck : .basic, layers: layers,
                                   groups: groups, widthPerGroup: widthPerGroup) {
            case .success(let found):
                attention = found
                if found != .none { recognised.append(found == .eca ? "ECA attention" : "squeeze-excitation") }
            case .failure(let reason):
                unrecognised.append(reason.text)
            }
        }
        guard unrecognised.isEmpty else {
            throw ArchError.unsupportedLayout(recognised: recognised, unrecognised: unrecognised)
        }
        var config = ResNetConfig(
            family: family, block: isBottleneck ? .bottleneck : .basic, layers: layers, groups: groups,
            widthPerGroup: widthPerGroup, numClasses: numClasses, inChannels: inChannels, shortcut: shortcut,
            stem: stem, attention: attention)
        if config.needsTimm { config.naming = .timm }
        return config
    }

    /// A reason detection failed, as one phrase for `unsupportedLayout`.
    struct Reason: Error {
        let text: String
    }

    /// timm's deep stem from `conv1.0`, `conv1.3` and `conv1.6` (3x3 convolutions), and the input channels.
    static func deepStem(_ shapes: [String: [Int]]) -> Result<(ResNetConfig.Stem, Int), Reason> {
        let names = ["conv1.0.weight", "conv1.3.weight", "conv1.6.weight"]
        let found = names.map { shapes[$0] }
        guard let first = found[0] else {
            let key = shapes.keys.filter { $0.hasPrefix("conv1.") }.sorted().first ?? "conv1"
            return .failure(Reason(text: "stem \(key) (a Sequential conv1 without conv1.0.weight)"))
        }
        guard let second = found[1], let third = found[2] else {
            let missing = zip(names, found).filter { $0.1 == nil }.map(\.0).joined(separator: ", ")
            return .failure(
                Reason(text: "deep stem (conv1.0.weight \(first.shapeDescription), but no \(missing))"))
        }
        let shapesText = "conv1.0/3/6.weight \(first.shapeDescription), \(second.shapeDescription), "
            + "\(third.shapeDescription)"
        guard [first, second, third].allSatisfy({ $0.count == 4 && $0[2] == 3 && $0[3] == 3 }),
              second[1] == first[0], third[1] == second[0]
        else { return .failure(Reason(text: "deep stem \(shapesText) (expected three chained 3x3 convolutions)")) }
        let width = second[0]
        let candidates: [ResNetConfig.Stem] = [.deep(width: width), .deepTiered(width: width)]
        guard let stem = candidates.first(where: { $0.channels == [first[0], second[0], third[0]] }) else {
            return .failure(
                Reason(text: "deep stem \(shapesText) (timm's are w, w, 2w or 3(w/4), w, 2w channels)"))
        }
        return .success((stem, first[1]))
    }

    /// Squeeze-excitation (`se.fc1`) or ECA (`se.conv`) in the blocks, the SE reduction from its widths.
    static func detectAttention(
        _ shapes: [String: [Int]], block: ResNetConfig.Block, layers: [Int], groups: Int, widthPerGroup: Int
    ) -> Result<ResNetConfig.Attention, Reason> {
        if shapes["layer1.0.se.conv.weight"] != nil { return .success(.eca) }
        guard let fc1 = shapes["layer1.0.se.fc1.weight"] else {
            let stray = shapes.keys.filter { $0.contains(".se.") }.sorted().first
            return stray.map { .failure(Reason(text: "attention \($0) (expected se.fc1 or se.conv)")) }
                ?? .success(.none)
        }
        guard fc1.count == 4, fc1[0] > 0 else {
            return .failure(Reason(text: "squeeze-excitation layer1.0.se.fc1.weight \(fc1.shapeDescription)"))
        }
        // The reduction that gives every stage's SE width (timm rounds C / r to a multiple of 8, at least 8).
        let probe = ResNetConfig(block: block, layers: layers, groups: groups, widthPerGroup: widthPerGroup)
        let stageChannels = (0..<layers.count).map { probe.planes(stage: $0) * block.expansion }
        let widths = (0..<layers.count).map { shapes["layer\($0 + 1).0.se.fc1.weight"]?.first }
        for reduction in [16, 8, 4, 32, 2, 1, 64] {
            let expected = stageChannels.map { ResNetConfig.Attention.squeezeWidth(channels: $0, reduction: reduction) }
            if zip(expected, widths).allSatisfy({ $0.1 == nil || $0.0 == $0.1 }) {
                return .success(.squeezeExcite(reduction: reduction))
            }
        }
        return .failure(
            Reason(text: "squeeze-excitation widths \(widths.map { $0.map(String.init) ?? "?" }.joined(separator: ", ")) "
                + "(not timm's C/r rounded to a multiple of 8)"))
    }
}
