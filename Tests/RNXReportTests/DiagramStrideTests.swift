import Foundation
import RNXArch
import RNXReport
import RNXTensor
import Testing

/// A transformers Bottleneck's stride is drawn where config.json (or --stride-in) puts it: the first 1×1
/// convolution for the paper's v1, the 3×3 for v1.5.
struct DiagramStrideTests {
    static let v1 = ResNetConfig(
        block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 3, naming: .transformers, strideInFirstConv: true)

    static var descriptors: [TensorDescriptor] {
        v1.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
    }

    @Test func configJSONMovesTheStride() throws {
        let config = Array(TransformersConfig.json(for: Self.v1, labels: nil).utf8)
        let v1 = try DiagramRequest().render(descriptors: Self.descriptors, source: "hf", transformersConfig: config)
        // Stage 2's first block: 128 planes, stride 2 in its 1×1 (v1) or its 3×3 (v1.5).
        #expect(v1.contains("1×1 conv, 128, /2") && !v1.contains("3×3 conv, 128, /2"))
        let assumed = try DiagramRequest().render(descriptors: Self.descriptors, source: "hf")
        #expect(assumed.contains("3×3 conv, 128, /2") && !assumed.contains("1×1 conv, 128, /2"))
        var request = DiagramRequest()
        request.strideIn = .oneByOne
        #expect(try request.render(descriptors: Self.descriptors, source: "hf") == v1)
    }
}
