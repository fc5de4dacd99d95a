import Foundation
import RNXArch
import RNXCheckpoint
@testable import RNXExport
import RNXForward
import RNXTensor
import RNXTestSupport
import SwiftProtobuf
import Testing

/// ONNX export: rnx must still write the graphs onnx's checker and onnxruntime accepted in
/// `scripts/fixtures/check_onnx_with_onnxruntime.py` (operators, shapes, initializer bytes), its initializers must
/// be the source's tensors, and unknown modules, bad opsets and damaged files must be refused.
struct ONNXExportTests {
    struct Case: Decodable {
        enum Dim: Decodable, Equatable {
            case param(String)
            case value(Int)
            init(from decoder: Swift.Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let value = try? container.decode(Int.self) { self = .value(value) } else {
                    self = .param(try container.decode(String.self))
                }
            }
        }

        var name: String
        var input: String?
        var args: [String]
        var opset: Int
        var ir_version: Int
        var operators: [String: Int]
        var initializers: Int
        var input_dims: [Dim]
        var output_dims: [Dim]
        var external_data: Bool
        var data_sha256: String
        var checker_full_check: Bool
        var max_rel_error: Double
        /// The configuration of a case exported from the synthetic weights (timm's and transformers' models).
        var config: String?
    }

    struct Check: Decodable {
        var tolerance: Double
        var cases: [Case]
    }

    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    /// The exporter's options and adaptations for the script's arguments.
    static func parse(_ args: [String]) -> (ONNXExporter.Options, [Adaptation]) {
        var options = ONNXExporter.Options()
        var adaptations: [Adaptation] = []
        var index = 0
        while index < args.count {
            let value = index + 1 < args.count ? args[index + 1] : ""
            switch args[index] {
            case "--keep-bn": options.keepBatchNorm = true; index -= 1
            case "--external-data": options.externalData = true; index -= 1
            case "--opset": options.opset = Int(value) ?? 0
            case "--num-classes": adaptations.append(.numClasses(Int(value) ?? 0))
            case "--in-channels": adaptations.append(.inChannels(Int(value) ?? 0))
            case "--classes": adaptations.append(.classes(value.split(separator: ",").compactMap { Int($0) }))
            default: Issue.record("unknown argument \(args[index])")
            }
            index += 2
        }
        return (options, adaptations)
    }

    static func export(
        _ input: String, to directory: URL, name: String = "model", options: ONNXExporter.Options = .init(),
        adaptations: [Adaptation] = []
    ) throws -> (path: String, result: ONNXExporter.Result) {
        let checkpoint = try Checkpoint.open(path: input)
        let architecture = try WeightMapping.resolve(checkpoint.descriptors, arch: nil)
        let plan = try ONNXExporter.plan(
            source: checkpoint, architecture: architecture, adaptations: adaptations, options: options)
        let path = directory.appendingPathComponent("\(name).onnx").path
        let result = try ONNXExporter.write(
            plan, path: path, externalDataPath: path + ".data", externalDataLocation: "\(name).onnx.data",
            producerVersion: "9.9.9", metadata: { [("architecture", plan.config.displayName)] })
        return (path, result)
    }

    static func load(_ path: String) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func dims(_ info: Onnx_ValueInfoProto) -> [Case.Dim] {
        info.type.tensorType.shape.dim.map { $0.dimParam.isEmpty ? .value(Int($0.dimValue)) : .param($0.dimParam) }
    }

    @Test func writesTheGraphsOnnxruntimeAccepted() throws {
        let check = try JSONDecoder().decode(Check.self, from: Fixtures.data("onnx/ort-check.json"))
        #expect(check.tolerance == 1e-4)
        // Every case of the script passed; the ones with a committed input are replayed here.
        #expect(check.cases.allSatisfy { $0.checker_full_check && $0.max_rel_error <= check.tolerance })
        let replayed = check.cases.filter { $0.input != nil }
        #expect(replayed.count >= 8)
        for item in replayed {
            let directory = try Fixtures.temporaryDirectory()
            let (options, adaptations) = Self.parse(item.args)
            let (path, result) = try Self.export(
                Fixtures.path(try #require(item.input)), to: directory, name: item.name, options: options,
                adaptations: adaptations)
            let model = try Self.load(path)
            #expect(model.opsetImport.map(\.version) == [Int64(item.opset)], "\(item.name)")
            #expect(model.irVersion == Int64(item.ir_version), "\(item.name)")
            #expect(model.graph.node.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 } == item.operators, "\(item.name)")
            #expect(model.graph.initializer.count == item.initializers, "\(item.name)")
            #expect(model.graph.input.map(\.name) == ["input"] && model.graph.output.map(\.name) == ["logits"])
            #expect(Self.dims(model.graph.input[0]) == item.input_dims, "\(item.name)")
            #expect(Self.dims(model.graph.output[0]) == item.output_dims, "\(item.name)")
            #expect(model.graph.initializer.contains { $0.dataLocation == .external } == item.external_data)
            #expect(result.dataSHA256 == item.data_sha256, "\(item.name)")
            #expect(ONNXVerifier.verify(path: path).problems == [], "\(item.name)")
        }
    }

    /// timm's and transformers' models, which onnxruntime ran against the libraries' own PyTorch models with the
    /// synthetic weights: rebuilt here from `SyntheticWeights` of the recorded configuration, every graph must be
    /// the one the script checked, down to the SHA-256 of its initializers.
    @Test func writesTheLibraryGraphsOnnxruntimeAccepted() throws {
        let check = try JSONDecoder().decode(Check.self, from: Fixtures.data("onnx/ort-check.json"))
        let synthetic = check.cases.filter { $0.config != nil }
        #expect(synthetic.count >= 12)
        var seen = Set<String>()
        var operators = Set<String>()
        for item in synthetic {
            let json = try #require(item.config)
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let config = try #require(ResNetConfig(fields: fields), "\(item.name)")
            // The debug build makes synthetic weights slowly: the models up to 65 MB are replayed (all but
            // timm's resnet26 and seresnext26d_32x4d and transformers' resnet50s, whose rules the others share).
            let bytes = SyntheticWeights(config: config).descriptors.reduce(0) { $0 + $1.byteCount }
            guard bytes <= 65_000_000 else { continue }
            seen.insert(config.naming.rawValue)
            operators.formUnion(item.operators.keys)
            let (options, adaptations) = Self.parse(item.args)
            #expect(adaptations.isEmpty)
            let plan = try ONNXExporter.plan(
                source: SyntheticWeights(config: config), architecture: config, adaptations: [], options: options)
            let directory = try Fixtures.temporaryDirectory()
            let path = directory.appendingPathComponent("\(item.name).onnx").path
            let result = try ONNXExporter.write(
                plan, path: path, producerVersion: "9.9.9", metadata: { [("architecture", config.displayName)] })
            let model = try Self.load(path)
            #expect(model.opsetImport.map(\.version) == [Int64(item.opset)], "\(item.name)")
            #expect(model.graph.node.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 } == item.operators, "\(item.name)")
            #expect(model.graph.initializer.count == item.initializers, "\(item.name)")
            #expect(Self.dims(model.graph.input[0]) == item.input_dims, "\(item.name)")
            #expect(Self.dims(model.graph.output[0]) == item.output_dims, "\(item.name)")
            #expect(result.dataSHA256 == item.data_sha256, "\(item.name)")
            #expect(ONNXVerifier.verify(path: path).problems == [], "\(item.name)")
        }
        #expect(seen.isSuperset(of: ["timm", "transformers"]))
        // Every rule timm's and transformers' models add was replayed.
        #expect(operators.isSuperset(of: ["AveragePool", "Sigmoid", "Mul", "Reshape", "GlobalAveragePool", "MaxPool"]))
    }

    @Test func keptBatchNormInitializersAreTheSourceTensors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let (path, _) = try Self.export(Self.resnet20, to: directory, options: .init(keepBatchNorm: true))
        let model = try Self.load(path)
        let source = try Checkpoint.open(path: Self.resnet20)
        var compared = 0
        for tensor in model.graph.initializer where tensor.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue) {
            let index = try #require(source.descriptors.firstIndex { $0.name == tensor.name }, "\(tensor.name)")
            let original = try source.loadTensor(at: index)
            #expect(tensor.dims == original.shape.map(Int64.init), "\(tensor.name)")
            #expect([UInt8](tensor.rawData) == original.bytes, "\(tensor.name)")
            compared += 1
        }
        // Every float tensor but the 19 num_batches_tracked (int64, not part of the graph).
        #expect(compared == source.descriptors.filter { $0.dtype == .float32 }.count)
        #expect(model.graph.node.filter { $0.opType == "BatchNormalization" }.count == 19)
    }

    @Test func foldedConvolutionsCarryTheBatchNorm() throws {
        let directory = try Fixtures.temporaryDirectory()
        let (path, _) = try Self.export(Self.resnet20, to: directory)
        let model = try Self.load(path)
        let source = try Checkpoint.open(path: Self.resnet20)
        func floats(_ name: String) throws -> [Float] {
            try source.loadTensor(at: try #require(source.descriptors.firstIndex { $0.name == name })).floats()
        }
        func initializer(_ name: String) throws -> [Float] {
            let data = try #require(model.graph.initializer.first { $0.name == name }).rawData
            let bytes = [UInt8](data)
            return stride(from: 0, to: bytes.count, by: 4).map { offset -> Float in
                var bits: UInt32 = 0
                for byte in 0..<4 { bits |= UInt32(bytes[offset + byte]) << (8 * UInt32(byte)) }
                return Float(bitPattern: bits)
            }
        }
        // conv1's filter 5 scaled by gamma / sqrt(var + 1e-5); its bias beta - mean * that scale.
        let (weight, gamma, beta, mean, variance) = (
            try floats("conv1.weight"), try floats("bn1.weight"), try floats("bn1.bias"),
            try floats("bn1.running_mean"), try floats("bn1.running_var"))
        let scale = Double(gamma[5]) / (Double(variance[5]) + 1e-5).squareRoot()
        let folded = try initializer("conv1.weight")
        #expect(folded.count == weight.count)
        for offset in 5 * 27..<6 * 27 { #expect(folded[offset] == Float(Double(weight[offset]) * scale)) }
        #expect(try initializer("conv1.bias")[5] == Float(Double(beta[5]) - Double(mean[5]) * scale))
        #expect(try initializer("linear.weight") == floats("linear.weight"))
        #expect(!model.graph.node.contains { $0.opType == "BatchNormalization" })
    }

    @Test func refusesWhatItCannotExport() throws {
        let checkpoint = try Checkpoint.open(path: Self.resnet20)
        let config = try WeightMapping.resolve(checkpoint.descriptors, arch: nil)
        #expect(throws: ExportError.unsupportedOpset(12)) {
            try ONNXExporter.plan(source: checkpoint, architecture: config, adaptations: [], options: .init(opset: 12))
        }
        #expect(ExportError.unsupportedOpset(22).description == "--opset must be between 13 and 21, got 22")
        // A module kind without an ONNX rule (as a new layout's would be, until it has one) is refused by path.
        var tree = config.moduleTree
        tree.children.insert(Module(name: "se", kind: .zeroPadShortcut(stride: 1, padBefore: 0, padAfter: 0)), at: 2)
        let plan = try AdaptationPlan(source: config, descriptors: checkpoint.descriptors, adaptations: [])
        let weights = WeightTable(source: checkpoint, plan: plan)
        #expect(throws: ExportError.unsupportedModule(path: "se", type: "LambdaLayer")) {
            try ONNXGraph(config: config, weights: weights, keepBatchNorm: false, tree: tree)
        }
        #expect(ExportError.unsupportedModule(path: "se", type: "LambdaLayer").description
            == "cannot export 'se' to ONNX: no ONNX rule for module type LambdaLayer")
        var block = config.moduleTree
        block.children[2].children[0].children.append(Module(name: "extra", kind: .linear(inFeatures: 1, outFeatures: 1)))
        #expect(throws: ExportError.unsupportedModule(path: "layer1.0.extra", type: "Linear")) {
            try ONNXGraph(config: config, weights: weights, keepBatchNorm: false, tree: block)
        }
    }

    @Test func verifyFindsDamagedExternalData() throws {
        let directory = try Fixtures.temporaryDirectory()
        let (path, result) = try Self.export(Self.resnet20, to: directory, options: .init(externalData: true))
        #expect(ONNXVerifier.verify(path: path).problems == [])
        let dataURL = URL(fileURLWithPath: path + ".data")
        var data = try Data(contentsOf: dataURL)
        let size = try #require(result.externalDataSize)
        #expect(data.count == size)
        data[data.count / 2] ^= 1
        try data.write(to: dataURL)
        let flipped = ONNXVerifier.verify(path: path).problems
        #expect(flipped.count == 1 && flipped[0].hasSuffix("does not match data_sha256 \(result.dataSHA256) in the metadata"))
        try data.prefix(data.count - 4).write(to: dataURL)
        let truncated = ONNXVerifier.verify(path: path).problems
        #expect(truncated.count == 1 && truncated[0].contains("ends past the end of model.onnx.data"), "\(truncated)")
        try Data("not protobuf".utf8).write(to: URL(fileURLWithPath: path))
        #expect(ONNXVerifier.verify(path: path).problems.first?.hasPrefix("not an ONNX model: ") == true)
    }

    @Test func irVersionFollowsTheOpset() {
        #expect((13...21).map(ONNXExporter.irVersion(opset:)) == [7, 7, 8, 8, 8, 8, 9, 9, 10])
    }
}
