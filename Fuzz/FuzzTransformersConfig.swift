import RNXArch
import RNXTensor

/// libFuzzer target (f): transformers `config.json` (`TransformersConfig`: strict types, bounded lists and numbers,
/// nesting counted before parsing), then checked against the weights of a transformers Bottleneck ResNet as
/// `WeightMapping.layout` does for a save_pretrained directory, and written back.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzTransformersConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    if let parsed = try? TransformersConfig(json: bytes) {
        _ = try? parsed.resnetConfig(numClasses: 5)
        if let config = try? WeightMapping.layout(FuzzWeights.descriptors, transformersConfig: bytes).config {
            _ = TransformersConfig.json(for: config, labels: parsed.labels)
        }
    }
    return 0
}

/// The weights every input is checked against: transformers' Bottleneck ResNet [1, 1, 1, 1], 5 classes, 1 channel.
enum FuzzWeights {
    static let descriptors: [TensorDescriptor] = {
        let config = ResNetConfig(
            block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 5, inChannels: 1, naming: .transformers)
        return config.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
    }()
}
