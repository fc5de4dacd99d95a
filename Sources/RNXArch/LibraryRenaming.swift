/// Renames a state dict between torchvision's, timm's and transformers' names for the same architecture.
///
/// timm keeps torchvision's names wherever the layers agree, so only transformers' names differ: its embedder,
/// `encoder.stages.N.layers.M` with `layer.K` convolutions and a `shortcut`, and `classifier.1`. Each library is
/// asked whether it can build the architecture at all.
public struct LibraryRenaming: Sendable {
    /// The library whose names the weights have.
    public let source: ResNetConfig.Naming
    /// The library whose names the weights get.
    public let target: ResNetConfig.Naming

    /// A renaming of `config`'s weights into `target`'s names.
    ///
    /// - Throws: `ArchError.notInLibrary` when `target` has no such architecture (torchvision and transformers
    ///   have no deep stems, avg-down shortcuts or attention; transformers no grouped or wide Bottlenecks; only
    ///   transformers strides in a Bottleneck's 1×1; neither timm nor transformers has the CIFAR nets).
    public init(config: ResNetConfig, to target: ResNetConfig.Naming) throws {
        source = config.naming
        self.target = target
        let name = config.displayName == "custom" ? "this ResNet" : config.displayName
        func refuse(_ reason: String) -> ArchError {
            .notInLibrary(architecture: name, library: target.rawValue, reason: reason)
        }
        if target != .torchvision && config.family == .cifar {
            throw refuse("the CIFAR ResNets are the paper's, in torchvision's naming only")
        }
        if target != .timm && config.needsTimm {
            throw refuse("its deep stem, avg-down shortcuts or attention are timm's alone")
        }
        if target != .transformers && config.strideInFirstConv {
            throw refuse("it strides in the Bottleneck's 1x1 convolution (ResNet v1), which only transformers builds")
        }
        if target == .transformers && (config.groups != 1 || config.widthPerGroup != 64) {
            throw refuse("transformers' ResNet has no grouped or wider Bottlenecks")
        }
    }

    /// The target library's name for the source library's tensor `name` (unchanged when nothing maps it).
    public func name(_ name: String) -> String {
        if source == target { return name }
        let canonical = source == .transformers ? Self.torchvisionName(name) ?? name : name
        return target == .transformers ? Self.transformersName(canonical) ?? canonical : canonical
    }

    /// transformers' name for a torchvision/timm name of an ImageNet ResNet.
    static func transformersName(_ name: String) -> String? {
        let parts = name.split(separator: ".").map(String.init)
        guard let leaf = parts.last else { return nil }
        if parts.count == 2 {
            switch parts[0] {
            case "conv1": return "resnet.embedder.embedder.convolution.\(leaf)"
            case "bn1": return "resnet.embedder.embedder.normalization.\(leaf)"
            case "fc": return "classifier.1.\(leaf)"
            default: return nil
            }
        }
        guard parts.count >= 4, parts[0].hasPrefix("layer"), let stage = Int(parts[0].dropFirst(5)), stage >= 1,
              let block = Int(parts[1])
        else { return nil }
        let prefix = "resnet.encoder.stages.\(stage - 1).layers.\(block)"
        if parts.count == 5 && parts[2] == "downsample" {
            switch parts[3] {
            case "0": return "\(prefix).shortcut.convolution.\(leaf)"
            case "1": return "\(prefix).shortcut.normalization.\(leaf)"
            default: return nil
            }
        }
        guard parts.count == 4 else { return nil }
        for (kind, role) in [("conv", "convolution"), ("bn", "normalization")] where parts[2].hasPrefix(kind) {
            guard let index = Int(parts[2].dropFirst(kind.count)), index >= 1 else { return nil }
            return "\(prefix).layer.\(index - 1).\(role).\(leaf)"
        }
        return nil
    }

    /// torchvision's name for a transformers name.
    static func torchvisionName(_ name: String) -> String? {
        let parts = name.split(separator: ".").map(String.init)
        guard let leaf = parts.last else { return nil }
        if name.hasPrefix("resnet.embedder.embedder.") && parts.count == 5 {
            switch parts[3] {
            case "convolution": return "conv1.\(leaf)"
            case "normalization": return "bn1.\(leaf)"
            default: return nil
            }
        }
        if parts.count == 3 && parts[0] == "classifier" && parts[1] == "1" { return "fc.\(leaf)" }
        // resnet.encoder.stages.S.layers.B.(shortcut.R | layer.K.R).leaf
        guard parts.count >= 9, name.hasPrefix("resnet.encoder.stages."), parts[4] == "layers",
              let stage = Int(parts[3]), let block = Int(parts[5])
        else { return nil }
        let prefix = "layer\(stage + 1).\(block)"
        if parts.count == 9 && parts[6] == "shortcut" {
            switch parts[7] {
            case "convolution": return "\(prefix).downsample.0.\(leaf)"
            case "normalization": return "\(prefix).downsample.1.\(leaf)"
            default: return nil
            }
        }
        guard parts.count == 10, parts[6] == "layer", let index = Int(parts[7]) else { return nil }
        switch parts[8] {
        case "convolution": return "\(prefix).conv\(index + 1).\(leaf)"
        case "normalization": return "\(prefix).bn\(index + 1).\(leaf)"
        default: return nil
        }
    }
}

extension ResNetConfig.Naming {
    /// The library `--to` names: `torchvision`, `timm`, or `hf`/`transformers`.
    public init?(library: String) {
        switch library.lowercased() {
        case "torchvision": self = .torchvision
        case "timm": self = .timm
        case "hf", "transformers", "huggingface": self = .transformers
        default: return nil
        }
    }
}
