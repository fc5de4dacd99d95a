import RNXTensor

/// transformers' `ResNetForImageClassification` names: detection from the weights and the renaming to and from
/// torchvision's names.
///
/// The weights cannot show where a Bottleneck strides (transformers' `downsample_in_bottleneck`): detection assumes
/// the 3×3 convolution (v1.5, like torchvision); `config.json` or `--stride-in` says otherwise.
public enum TransformersLayout {
    /// Every key of a `ResNetForImageClassification` state dict but the classifier's starts with this.
    public static let prefix = "resnet."

    /// The configuration the transformers-named tensors describe.
    static func detect(shapes: [String: [Int]], names: [String]) throws -> ResNetConfig {
        var recognised: [String] = []
        var unrecognised: [String] = []
        var inChannels = 3
        if let stem = shapes["resnet.embedder.embedder.convolution.weight"] {
            if stem.count == 4 && stem[0] == 64 && stem[2] == 7 && stem[3] == 7 {
                inChannels = stem[1]
                recognised.append("transformers embedder (7x7 conv, \(inChannels) input channels)")
            } else {
                unrecognised.append(
                    "embedder resnet.embedder.embedder.convolution.weight \(stem.shapeDescription) "
                        + "(expected [64, C, 7, 7]: rnx supports embedding_size 64)")
            }
        } else {
            unrecognised.append("no embedder resnet.embedder.embedder.convolution.weight")
        }
        var numClasses = 0
        if let weight = shapes["classifier.1.weight"], weight.count == 2 {
            numClasses = weight[0]
            recognised.append("classifier classifier.1 with \(numClasses) classes")
        } else {
            unrecognised.append("no classifier classifier.1.weight (a ResNetModel without its head)")
        }
        var blocksByStage: [Int: Set<Int>] = [:]
        let stagePrefix = "resnet.encoder.stages."
        for name in names where name.hasPrefix(stagePrefix) {
            let parts = name.dropFirst(stagePrefix.count).split(separator: ".", maxSplits: 3)
            guard parts.count == 4, let stage = Int(parts[0]), parts[1] == "layers", let block = Int(parts[2]),
                  stage >= 0, block >= 0
            else { continue }
            blocksByStage[stage, default: []].insert(block)
        }
        var layers: [Int] = []
        if blocksByStage.keys.sorted() != Array(0..<4) {
            unrecognised.append(
                "stages \(blocksByStage.keys.sorted().map(String.init).joined(separator: ", ")) "
                    + "(rnx supports transformers ResNets with 4 stages)")
        } else {
            for stage in 0..<4 {
                let blocks = blocksByStage[stage] ?? []
                if blocks.sorted() != Array(0..<blocks.count) {
                    unrecognised.append("stage \(stage) layers numbered \(blocks.sorted()) (expected 0, 1, 2, ...)")
                }
                layers.append(blocks.count)
            }
        }
        let isBottleneck = shapes["resnet.encoder.stages.0.layers.0.layer.2.convolution.weight"] != nil
        if !layers.isEmpty {
            recognised.append("\(isBottleneck ? "ResNetBottleNeckLayer" : "ResNetBasicLayer") stages \(layers.shapeDescription)")
        }
        guard unrecognised.isEmpty else {
            throw ArchError.unsupportedLayout(recognised: recognised, unrecognised: unrecognised)
        }
        return ResNetConfig(
            block: isBottleneck ? .bottleneck : .basic, layers: layers, numClasses: numClasses, inChannels: inChannels,
            naming: .transformers)
    }
}
