import Foundation

/// The architecture fields of a transformers `config.json` for `ResNetForImageClassification`, which decide what
/// the weights cannot show: where a Bottleneck strides (`downsample_in_bottleneck`) and the labels (`id2label`).
public struct TransformersConfig: Equatable, Sendable {
    /// `layer_type`: `basic` or `bottleneck`.
    public var layerType: ResNetConfig.Block
    /// `depths`: blocks per stage.
    public var depths: [Int]
    /// `hidden_sizes`: output channels per stage.
    public var hiddenSizes: [Int]
    /// `embedding_size`: channels of the stem's convolution.
    public var embeddingSize: Int
    /// `num_channels`: input channels.
    public var numChannels: Int
    /// `downsample_in_first_stage`: whether the first stage strides (false for every released ResNet).
    public var downsampleInFirstStage: Bool
    /// `downsample_in_bottleneck`: a Bottleneck strides in its first 1×1 convolution instead of its 3×3.
    public var downsampleInBottleneck: Bool
    /// `id2label` in index order, when it names every index from 0 without gaps.
    public var labels: [String]?

    /// The largest `config.json` read (a real one is about 1 KB, or some 30 KB with ImageNet's labels).
    public static let maximumBytes = 4 << 20

    /// Parses `config.json`. Missing fields take transformers' defaults (`ResNetConfig()`).
    ///
    /// - Throws: `ArchError.invalidTransformersConfig` naming the field that is malformed or that rnx cannot run
    ///   (another `model_type`, `hidden_act`, `embedding_size` or stage widths).
    public init(json bytes: [UInt8]) throws {
        func invalid(_ reason: String) -> ArchError { .invalidTransformersConfig(reason) }
        guard bytes.count <= Self.maximumBytes else {
            throw invalid("config.json is \(bytes.count) bytes (at most \(Self.maximumBytes) are read)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw invalid("config.json is not JSON")
        }
        guard let root = object as? [String: Any] else { throw invalid("config.json is not a JSON object") }
        if let type = root["model_type"], type as? String != "resnet" {
            throw invalid("model_type is \(type), not resnet")
        }
        func ints(_ key: String, default value: [Int]) throws -> [Int] {
            guard let raw = root[key] else { return value }
            guard let list = raw as? [Any], let numbers = list.map({ $0 as? Int }) as? [Int] else {
                throw invalid("\(key) is not a list of integers")
            }
            return numbers
        }
        func int(_ key: String, default value: Int) throws -> Int {
            guard let raw = root[key] else { return value }
            guard let number = raw as? Int else { throw invalid("\(key) is not an integer") }
            return number
        }
        func bool(_ key: String) throws -> Bool {
            guard let raw = root[key] else { return false }
            guard let flag = raw as? Bool else { throw invalid("\(key) is not true or false") }
            return flag
        }
        switch root["layer_type"] {
        case nil: layerType = .bottleneck
        case let text as String where text == "basic": layerType = .basic
        case let text as String where text == "bottleneck": layerType = .bottleneck
        case let other?: throw invalid("layer_type is \(other), not basic or bottleneck")
        }
        if let act = root["hidden_act"], act as? String != "relu" {
            throw invalid("hidden_act is \(act): rnx runs relu")
        }
        depths = try ints("depths", default: [3, 4, 6, 3])
        hiddenSizes = try ints("hidden_sizes", default: [256, 512, 1024, 2048])
        embeddingSize = try int("embedding_size", default: 64)
        numChannels = try int("num_channels", default: 3)
        downsampleInFirstStage = try bool("downsample_in_first_stage")
        downsampleInBottleneck = try bool("downsample_in_bottleneck")
        labels = nil
        if let raw = root["id2label"] {
            guard let map = raw as? [String: Any] else { throw invalid("id2label is not an object") }
            var byIndex: [Int: String] = [:]
            for (key, value) in map {
                guard let index = Int(key), index >= 0, let label = value as? String else {
                    throw invalid("id2label entry \(key) is not an index with a string label")
                }
                byIndex[index] = label
            }
            if byIndex.keys.sorted() == Array(0..<byIndex.count) {
                labels = (0..<byIndex.count).map { byIndex[$0] ?? "" }
            }
        }
    }

    /// The configuration this `config.json` describes, checked against what rnx builds.
    public func resnetConfig(numClasses: Int) throws -> ResNetConfig {
        func invalid(_ reason: String) -> ArchError { .invalidTransformersConfig(reason) }
        guard depths.count == 4, depths.allSatisfy({ $0 >= 1 }) else {
            throw invalid("depths \(depths) (rnx runs 4 stages of at least one layer)")
        }
        guard embeddingSize == 64 else { throw invalid("embedding_size \(embeddingSize) (rnx runs 64)") }
        let expected = (0..<4).map { (64 << $0) * layerType.expansion }
        guard hiddenSizes == expected else {
            throw invalid("hidden_sizes \(hiddenSizes) (rnx runs \(expected) for \(layerType.rawValue) layers)")
        }
        guard !downsampleInFirstStage else {
            throw invalid("downsample_in_first_stage is true (rnx runs the first stage with stride 1)")
        }
        guard numChannels >= 1 else { throw invalid("num_channels \(numChannels)") }
        return ResNetConfig(
            block: layerType, layers: depths, numClasses: numClasses, inChannels: numChannels, naming: .transformers,
            strideInFirstConv: downsampleInBottleneck)
    }
}

extension TransformersConfig {
    /// The `config.json` `ResNetForImageClassification.from_pretrained` reads for `config` (transformers naming),
    /// with `labels` as `id2label` / `label2id` (`LABEL_<i>` for rows without one), keys sorted as
    /// `save_pretrained` writes them.
    public static func json(for config: ResNetConfig, labels: [String]?) -> String {
        let names = (0..<config.numClasses).map { index in
            labels.flatMap { index < $0.count && !$0[index].isEmpty ? $0[index] : nil } ?? "LABEL_\(index)"
        }
        var id2label: [String: String] = [:]
        var label2id: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            id2label[String(index)] = name
            if label2id[name] == nil { label2id[name] = index }
        }
        let object: [String: Any] = [
            "architectures": ["ResNetForImageClassification"],
            "model_type": "resnet",
            "num_channels": config.inChannels,
            "embedding_size": config.stemChannels,
            "hidden_sizes": (0..<config.layers.count).map { config.planes(stage: $0) * config.block.expansion },
            "depths": config.layers,
            "layer_type": config.block.rawValue,
            "hidden_act": "relu",
            "downsample_in_first_stage": false,
            "downsample_in_bottleneck": config.strideInFirstConv,
            "id2label": id2label,
            "label2id": label2id,
        ]
        let data = (try? JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
