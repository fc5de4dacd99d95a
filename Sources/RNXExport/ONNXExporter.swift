import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exports a ResNet checkpoint as an ONNX model, one initializer in memory at a time.
///
/// The file is a sequence of serialized `ModelProto` messages, which protobuf parses as one merged message (repeated
/// fields are appended, message fields merged): first the model with its graph's nodes, input and output, then one
/// message per initializer (`graph { initializer { ... } }`), then the `metadata_props`, written last because they
/// hold the digests. Every byte is swift-protobuf's; rnx encodes no protobuf itself. With external data, each
/// initializer's bytes go to the data file instead (`data_location = EXTERNAL`, `location`, `offset`, `length`).
public enum ONNXExporter {
    /// What to export.
    public struct Options: Sendable {
        /// The ONNX opset to declare, within ``ONNXExporter/opsets``.
        public var opset: Int
        /// Keep BatchNorm as `BatchNormalization` nodes instead of folding it into the convolutions.
        public var keepBatchNorm: Bool
        /// Put the initializers in an external data file; nil decides by size (above `externalDataThreshold`).
        public var externalData: Bool?

        /// Options as `rnx export` has them without flags: opset 17, BatchNorm folded, external data by size.
        ///
        /// - Parameters:
        ///   - opset: ``opset``.
        ///   - keepBatchNorm: ``keepBatchNorm``.
        ///   - externalData: ``externalData``.
        public init(opset: Int = ONNXExporter.defaultOpset, keepBatchNorm: Bool = false, externalData: Bool? = nil) {
            self.opset = opset
            self.keepBatchNorm = keepBatchNorm
            self.externalData = externalData
        }
    }

    /// A graph built and checked against the weights, before anything is written.
    public struct Plan {
        let graph: ONNXGraph
        /// The options the plan was made with.
        public let options: Options
        /// The architecture exported (after the adaptations).
        public var config: ResNetConfig { graph.config }
        /// Initializer bytes in all.
        public let initializerBytes: Int
        /// Whether the initializers go to an external data file.
        public var usesExternalData: Bool { options.externalData ?? (initializerBytes > ONNXExporter.externalDataThreshold) }
        /// How many nodes of each operator type the graph has, e.g. `["Conv": 20, "Relu": 19]`.
        public var operatorCounts: [String: Int] { graph.operatorCounts }
    }

    /// What `write` did.
    public struct Result: Sendable {
        /// The `.onnx` file's size in bytes.
        public var fileSize: Int
        /// The external data file's size in bytes, nil when the initializers are inline.
        public var externalDataSize: Int?
        /// The number of graph nodes.
        public var nodeCount: Int
        /// The number of initializers (weight tensors) written.
        public var initializerCount: Int
        /// SHA-256 of every initializer's bytes in graph order (also in the metadata as `data_sha256`).
        public var dataSHA256: String
    }

    /// The opset written when none is asked for (``opsets`` lists the others rnx can write).
    public static let defaultOpset = 17
    /// Smaller initializers stay inline even with external data (onnx's `convert_model_to_external_data` default):
    /// shape inference reads the Slice and Pad constants, and cannot from external data.
    public static let externalDataMinimum = 1024
    /// The opsets rnx writes: every operator used has the same signature throughout.
    public static let opsets = 13...21
    /// protobuf messages cannot exceed 2 GiB; past this much weight data, external data is used.
    public static let externalDataThreshold = Int(Int32.max) - (64 << 20)

    /// The ONNX IR version each opset first came with (onnx.helper's VERSION_TABLE), the oldest runtimes accept.
    static func irVersion(opset: Int) -> Int64 {
        switch opset {
        case ...14: 7
        case 15...18: 8
        case 19...20: 9
        default: 10
        }
    }

    /// Builds the graph of `source`'s tensors on `architecture` after `adaptations`; every name and shape is checked.
    public static func plan(
        source: any TensorSource, architecture: ResNetConfig, adaptations: [Adaptation], options: Options
    ) throws -> Plan {
        guard ONNXGraph.opsets.contains(options.opset) else { throw ExportError.unsupportedOpset(options.opset) }
        let adaptationPlan = try AdaptationPlan(
            source: architecture, descriptors: source.descriptors, adaptations: adaptations)
        let graph = try ONNXGraph(
            config: adaptationPlan.target, weights: WeightTable(source: source, plan: adaptationPlan),
            keepBatchNorm: options.keepBatchNorm)
        let bytes = graph.initializers.reduce(0) { total, initializer in
            total + initializer.dims.reduce(initializer.dataType == .int64 ? 8 : 4, *)
        }
        return Plan(graph: graph, options: options, initializerBytes: bytes)
    }

    /// Writes `plan` to `path` (which must not exist), and the external data to `externalDataPath` if the plan uses
    /// it (`location` is the name the model refers to it by, beside the model); both appear only when complete, the
    /// data file first. `metadata` is asked for last; `progress` is told (initializer bytes done, in all) after each
    /// initializer.
    public static func write(
        _ plan: Plan, path: String, externalDataPath: String? = nil, externalDataLocation: String? = nil,
        producerVersion: String, metadata: () throws -> [(key: String, value: String)],
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Result {
        let model = try OutputFile(path: path)
        let data = try (plan.usesExternalData ? externalDataPath : nil).map { try OutputFile(path: $0) }
        let result = try write(
            plan, to: model, externalData: data, externalDataLocation: externalDataLocation,
            producerVersion: producerVersion, metadata: metadata, progress: progress)
        try data?.commit()
        try model.commit()
        return result
    }

    /// Writes `plan` into `model` (and `data`, when the plan uses external data), leaving both uncommitted: the
    /// caller commits the data file first and the model last, so a model never refers to data that is not there.
    public static func write(
        _ plan: Plan, to model: OutputFile, externalData data: OutputFile?, externalDataLocation: String?,
        producerVersion: String, metadata: () throws -> [(key: String, value: String)],
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Result {
        let external = plan.usesExternalData
        guard !external || (data != nil && externalDataLocation != nil) else {
            throw ExportError.writeFailed(reason: "the model needs an external data file")
        }
        let graph = plan.graph

        var header = Onnx_ModelProto()
        header.irVersion = irVersion(opset: plan.options.opset)
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(plan.options.opset)
        header.opsetImport = [opset]
        header.producerName = "rnx"
        header.producerVersion = producerVersion
        header.docString = "\(graph.config.displayName) exported by rnx from a PyTorch checkpoint"
        var body = Onnx_GraphProto()
        body.name = graph.config.displayName
        body.node = graph.nodes
        body.input = [valueInfo("input", [.param("N"), .value(graph.config.inChannels), .param("H"), .param("W")])]
        body.output = [valueInfo("logits", [.param("N"), .value(graph.config.numClasses)])]
        header.graph = body
        try model.write(try header.serializedBytes())

        let hasher = StreamingDigest()
        var offset = 0
        var done = 0
        for initializer in graph.initializers {
            let bytes = try initializer.bytes()
            let expected = initializer.dims.reduce(initializer.dataType == .int64 ? 8 : 4, *)
            guard bytes.count == expected else {
                throw ExportError.weightMismatch(
                    name: initializer.name, reason: "\(bytes.count) bytes for dims \(initializer.dims.shapeDescription)")
            }
            // Hashed on the other core while this thread serializes and writes.
            hasher.update(bytes)
            var tensor = Onnx_TensorProto()
            tensor.name = initializer.name
            tensor.dims = initializer.dims.map(Int64.init)
            tensor.dataType = Int32(initializer.dataType.rawValue)
            if let data, let location = externalDataLocation, bytes.count >= externalDataMinimum {
                tensor.dataLocation = .external
                tensor.externalData = [
                    entry("location", location), entry("offset", String(offset)), entry("length", String(bytes.count)),
                ]
                try data.write(bytes)
                offset += bytes.count
                var fragment = Onnx_ModelProto()
                fragment.graph.initializer = [tensor]
                try model.write(try fragment.serializedBytes())
            } else {
                // The raw data borrows the initializer's bytes for the one serialization (which copies them once):
                // neither the Data nor the message outlives this closure.
                try bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress, raw.count > 0 {
                        tensor.rawData = Data(
                            bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none)
                    }
                    var fragment = Onnx_ModelProto()
                    fragment.graph.initializer = [tensor]
                    let serialized: [UInt8] = try fragment.serializedBytes()
                    try model.write(serialized)
                }
            }
            done += bytes.count
            progress?(done, plan.initializerBytes)
        }
        let dataSHA256 = hasher.finalize()
        var trailer = Onnx_ModelProto()
        trailer.metadataProps = try metadata().map { entry($0.key, $0.value) } + [entry("data_sha256", dataSHA256)]
        try model.write(try trailer.serializedBytes())
        let dataSize = data?.size
        let size = model.size
        return Result(
            fileSize: size, externalDataSize: dataSize, nodeCount: graph.nodes.count,
            initializerCount: graph.initializers.count, dataSHA256: dataSHA256)
    }

    enum Dimension {
        case param(String)
        case value(Int)
    }

    static func valueInfo(_ name: String, _ dims: [Dimension]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { dimension in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .param(let name): dim.dimParam = name
            case .value(let value): dim.dimValue = Int64(value)
            }
            return dim
        }
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensorType.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }

    static func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
        var entry = Onnx_StringStringEntryProto()
        entry.key = key
        entry.value = value
        return entry
    }
}

