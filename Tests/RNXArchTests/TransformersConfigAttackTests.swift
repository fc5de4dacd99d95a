import Foundation
import RNXArch
import RNXTensor
import RNXTestSupport
import Testing

/// Hostile `config.json` files (fixtures/hfconfig, made by gen_hfconfig_attacks.py with a reviewed reason each),
/// read beside the weights of a transformers Bottleneck ResNet [1, 1, 1, 1] with 5 classes and 1 input channel.
struct TransformersConfigAttackTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            let file: String
            let attack: String
            let reason: String
        }
        let cases: [Case]
    }

    static let manifest: Manifest = {
        (try? JSONDecoder().decode(Manifest.self, from: Fixtures.data("hfconfig/MANIFEST.json"))) ?? Manifest(cases: [])
    }()

    /// The weights every attack file is read beside.
    static let weights = ResNetConfig(
        block: .bottleneck, layers: [1, 1, 1, 1], numClasses: 5, inChannels: 1, naming: .transformers)

    static var descriptors: [TensorDescriptor] {
        weights.moduleTree.stateDictEntries().map {
            TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
        }
    }

    @Test func manifestCoversEveryFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("hfconfig"))
            .filter { $0 != "MANIFEST.json" }
        #expect(Set(files) == Set(Self.manifest.cases.map(\.file)))
        #expect(Self.manifest.cases.count >= 30)
    }

    @Test(arguments: manifest.cases.map(\.file))
    func isRefusedWithItsReason(file: String) throws {
        let entry = try #require(Self.manifest.cases.first { $0.file == file })
        let bytes = [UInt8](try Fixtures.data("hfconfig/" + file))
        #expect(throws: ArchError.invalidTransformersConfig(entry.reason), "\(file): \(entry.attack)") {
            try WeightMapping.layout(Self.descriptors, transformersConfig: bytes)
        }
        #expect(!ArchError.invalidTransformersConfig(entry.reason).description.contains("\n"))
    }

    /// The same file with the attack undone is read: the corpus tests the attacks, not a broken base.
    @Test func theBaseConfigIsRead() throws {
        let json = #"{"model_type":"resnet","layer_type":"bottleneck","depths":[1,1,1,1],"hidden_sizes":[256,512,1024,2048],"embedding_size":64,"num_channels":1,"downsample_in_bottleneck":true,"id2label":{"0":"a","1":"b","2":"c","3":"d","4":"e"}}"#
        let resolved = try WeightMapping.layout(Self.descriptors, transformersConfig: Array(json.utf8))
        var expected = Self.weights
        expected.strideInFirstConv = true
        #expect(resolved.config == expected)
        #expect(resolved.labels == ["a", "b", "c", "d", "e"])
    }

    /// Larger than the limit: refused by its size before parsing; exactly the limit is parsed (and is no JSON).
    @Test func sizeIsBoundedBeforeParsing() throws {
        let huge = [UInt8](repeating: 0x20, count: TransformersConfig.maximumBytes + 1)
        #expect(throws: ArchError.invalidTransformersConfig(
            "config.json is \(huge.count) bytes (at most \(TransformersConfig.maximumBytes) are read)")
        ) { try TransformersConfig(json: huge) }
        let limit = [UInt8](repeating: 0x20, count: TransformersConfig.maximumBytes)
        #expect(throws: ArchError.invalidTransformersConfig("config.json is not JSON")) {
            try TransformersConfig(json: limit)
        }
    }

    /// Nesting is counted outside strings only, so brackets inside labels are no nesting.
    @Test func nestingIgnoresStrings() throws {
        let labels = (0..<5).map { "\"\($0)\":\"" + String(repeating: "[{", count: 100) + "\\\"\"" }
        let json = #"{"depths":[1,1,1,1],"num_channels":1,"id2label":{"# + labels.joined(separator: ",") + "}}"
        let parsed = try TransformersConfig(json: Array(json.utf8))
        #expect(parsed.labels?.count == 5)
        #expect(TransformersConfig.nestingDepth(Array(json.utf8)) == 2)
    }

    /// A gap in id2label's indices leaves the labels out (rnx's defaults are used) rather than inventing rows.
    @Test func sparseLabelsAreIgnored() throws {
        let parsed = try TransformersConfig(json: Array(#"{"id2label":{"0":"a","4000000000":"b"}}"#.utf8))
        #expect(parsed.labels == nil)
    }
}
