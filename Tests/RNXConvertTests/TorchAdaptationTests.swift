import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor
import RNXTestSupport
import Testing

/// Adaptations of the float16 cifar-tiny fixture against what torch 2.15 computed for the same operations
/// (fixtures/safetensors/cifar-tiny.expected.json: SHA-256 of each result's bytes).
struct TorchAdaptationTests {
    static var expected: [String: Any] {
        let data = (try? Fixtures.data("safetensors/cifar-tiny.expected.json")) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    static func source() throws -> (Checkpoint, ResNetConfig) {
        let checkpoint = try SafetensorsReader.read(path: Fixtures.path("safetensors/cifar-tiny.safetensors"))
        return (checkpoint, try WeightMapping.resolve(checkpoint.descriptors))
    }

    static func adapted(_ name: String, _ adaptations: [Adaptation]) throws -> Tensor {
        let (checkpoint, config) = try source()
        let plan = try AdaptationPlan(source: config, descriptors: checkpoint.descriptors, adaptations: adaptations)
        let index = try #require(checkpoint.descriptors.firstIndex { $0.name == name })
        return try plan.apply(try checkpoint.loadTensor(at: index), name: name)
    }

    static func digest(_ key: String) -> String? { expected[key] as? String }

    @Test func classifierRowsMatchTorch() throws {
        #expect(FileDigest.sha256(try Self.adapted("linear.weight", [.numClasses(4)]).bytes) == Self.digest("linear.weight[:4]"))
        #expect(FileDigest.sha256(try Self.adapted("linear.bias", [.numClasses(4)]).bytes) == Self.digest("linear.bias[:4]"))
        #expect(FileDigest.sha256(try Self.adapted("linear.weight", [.classes([5, 3, 9])]).bytes) == Self.digest("linear.weight[5,3,9]"))
        #expect(FileDigest.sha256(try Self.adapted("linear.bias", [.classes([5, 3, 9])]).bytes) == Self.digest("linear.bias[5,3,9]"))
    }

    @Test func stemAdaptationsMatchTorch() throws {
        #expect(FileDigest.sha256(try Self.adapted("conv1.weight", [.inChannels(1)]).bytes) == Self.digest("conv1.weight.in1"))
        #expect(FileDigest.sha256(try Self.adapted("conv1.weight", [.inChannels(5)]).bytes) == Self.digest("conv1.weight.in5"))
    }

    @Test(arguments: [("float32", DType.float32), ("bfloat16", .bfloat16), ("float16", .float16)])
    func dtypeConversionsMatchTorch(key: String, dtype: DType) throws {
        let (checkpoint, config) = try Self.source()
        let plan = try AdaptationPlan(source: config, descriptors: checkpoint.descriptors, adaptations: [.dtype(dtype)])
        let digests = try #require(Self.expected[key] as? [String: String])
        #expect(digests.count == 44)
        for (index, descriptor) in checkpoint.descriptors.enumerated() {
            let tensor = try plan.apply(try checkpoint.loadTensor(at: index), name: descriptor.name)
            #expect(FileDigest.sha256(tensor.bytes) == digests[descriptor.name], "\(descriptor.name)")
        }
    }
}
