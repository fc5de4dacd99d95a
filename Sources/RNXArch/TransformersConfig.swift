import Foundation
import RNXTensor

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

    /// The largest `config.json` read (a real one is about 1 KB, or some 70 KB with ImageNet's labels).
    public static let maximumBytes = 4 << 20
    /// The deepest nesting of lists and objects read (a real `config.json` nests 2 levels).
    public static let maximumNesting = 32
    /// The most entries `depths` or `hidden_sizes` may have (rnx runs 4 stages; longer lists are named as such).
    public static let maximumStages = 64
    /// The largest value of `depths` (blocks in one stage; the deepest real ResNet has 36).
    public static let maximumDepth = 10_000
    /// The largest channel count (`hidden_sizes`, `embedding_size`, `num_channels`).
    public static let maximumChannels = 1 << 20

    /// Parses `config.json`. Missing fields take transformers' defaults (`ResNetConfig()`).
    ///
    /// Every number is range-checked here and every list bounded, before anything is built from them; JSON's
    /// types are taken strictly (`true` is no integer, `3.0` no depth).
    ///
    /// - Throws: `ArchError.invalidTransformersConfig` naming the field that is malformed or that rnx cannot run
    ///   (another `model_type`, `hidden_act`, `embedding_size` or stage widths).
    public init(json bytes: [UInt8]) throws {
        func invalid(_ reason: String) -> ArchError { .invalidTransformersConfig(reason) }
        guard bytes.count <= Self.maximumBytes else {
            throw invalid("config.json is \(bytes.count) bytes (at most \(Self.maximumBytes) are read)")
        }
        // transformers reads config.json as UTF-8; JSONSerialization would also take UTF-16 and UTF-32.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw invalid("config.json is not UTF-8 text") }
        let nesting = Self.nestingDepth(bytes)
        guard nesting <= Self.maximumNesting else {
            throw invalid("config.json nests \(nesting) levels deep (at most \(Self.maximumNesting))")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw invalid("config.json is not JSON")
        }
        guard let root = object as? [String: Any] else { throw invalid("config.json is not a JSON object") }
        if let type = root["model_type"], type as? String != "resnet" {
            throw invalid("model_type is \(Self.describe(type)), not \"resnet\"")
        }
        func integer(_ value: Any) -> Int? {
            // JSON's true and 3.0 come back as NSNumbers that `as? Int` would accept.
            guard let number = value as? NSNumber, !Self.isBoolean(number), !Self.isFloatingPoint(number) else {
                return nil
            }
            return value as? Int
        }
        func ints(_ key: String, default value: [Int], range: ClosedRange<Int>) throws -> [Int] {
            guard let raw = root[key] else { return value }
            guard let list = raw as? [Any] else { throw invalid("\(key) is \(Self.describe(raw)), not a list of integers") }
            guard list.count <= Self.maximumStages else {
                throw invalid("\(key) has \(list.count) entries (at most \(Self.maximumStages))")
            }
            return try list.map { item in
                guard let number = integer(item) else {
                    throw invalid("\(key) holds \(Self.describe(item)), not an integer")
                }
                guard range.contains(number) else {
                    throw invalid("\(key) holds \(number) (rnx reads \(range.lowerBound) to \(range.upperBound))")
                }
                return number
            }
        }
        func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = root[key] else { return value }
            guard let number = integer(raw) else { throw invalid("\(key) is \(Self.describe(raw)), not an integer") }
            guard range.contains(number) else {
                throw invalid("\(key) is \(number) (rnx reads \(range.lowerBound) to \(range.upperBound))")
            }
            return number
        }
        func bool(_ key: String) throws -> Bool {
            guard let raw = root[key] else { return false }
            guard let number = raw as? NSNumber, Self.isBoolean(number) else {
                throw invalid("\(key) is \(Self.describe(raw)), not true or false")
            }
            return number.boolValue
        }
        switch root["layer_type"] {
        case nil: layerType = .bottleneck
        case let text as String where text == "basic": layerType = .basic
        case let text as String where text == "bottleneck": layerType = .bottleneck
        case let other?: throw invalid("layer_type is \(Self.describe(other)), not \"basic\" or \"bottleneck\"")
        }
        if let act = root["hidden_act"], act as? String != "relu" {
            throw invalid("hidden_act is \(Self.describe(act)): rnx runs \"relu\"")
        }
        let channels = 1...Self.maximumChannels
        depths = try ints("depths", default: [3, 4, 6, 3], range: 1...Self.maximumDepth)
        hiddenSizes = try ints("hidden_sizes", default: [256, 512, 1024, 2048], range: channels)
        embeddingSize = try int("embedding_size", default: 64, range: channels)
        numChannels = try int("num_channels", default: 3, range: channels)
        downsampleInFirstStage = try bool("downsample_in_first_stage")
        downsampleInBottleneck = try bool("downsample_in_bottleneck")
        labels = nil
        if let raw = root["id2label"] {
            guard let map = raw as? [String: Any] else { throw invalid("id2label is \(Self.describe(raw)), not an object") }
            var byIndex: [Int: String] = [:]
            for (key, value) in map {
                // transformers keys id2label by str(int): only the canonical decimal spelling is an index.
                guard let index = Int(key), index >= 0, String(index) == key else {
                    throw invalid("id2label key \(Self.describe(key)) is not a class index (0, 1, 2, ...)")
                }
                guard let label = value as? String else {
                    throw invalid("id2label entry \(Self.describe(key)) is \(Self.describe(value)), not a string")
                }
                byIndex[index] = label
            }
            // Only a list naming every index from 0 without gaps is the classifier's labels; the count is the
            // number of entries in the file, never an index read from it.
            if (0..<byIndex.count).allSatisfy({ byIndex[$0] != nil }) {
                labels = (0..<byIndex.count).map { byIndex[$0] ?? "" }
            }
        }
    }

    /// The deepest nesting of `[` and `{` outside strings (valid or not: the parser decides that afterwards).
    public static func nestingDepth(_ bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(depth - 1, 0)
            default: break
            }
        }
        return deepest
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        // Foundation's JSON booleans are the only NSNumbers of C type `char`.
        String(cString: number.objCType) == "c"
    }

    private static func isFloatingPoint(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "d" || type == "f"
    }

    /// A JSON value from the file as one short line for an error: strings quoted (escaped, cut at 40 characters),
    /// numbers as written, containers by kind and size.
    static func describe(_ value: Any) -> String {
        switch value {
        case let text as String:
            return text.count > 40 ? String(String(text.prefix(40)).jsonQuoted.dropLast()) + "...\"" : text.jsonQuoted
        case let number as NSNumber:
            if isBoolean(number) { return number.boolValue ? "true" : "false" }
            // Python's spelling of a float, so 1.0 is not shown as the integer it is refused as.
            return isFloatingPoint(number) ? "\(number.doubleValue)" : number.stringValue
        case let list as [Any]: return "a list of \(list.count) value" + (list.count == 1 ? "" : "s")
        case let object as [String: Any]: return "an object of \(object.count) key" + (object.count == 1 ? "" : "s")
        case is NSNull: return "null"
        default: return "a JSON value"
        }
    }

    /// The configuration this `config.json` describes, checked against what rnx builds and, when given, against
    /// what the weights show (their block kind, blocks per stage and input channels), before anything is built
    /// from the file's numbers.
    public func resnetConfig(numClasses: Int, weights: ResNetConfig? = nil) throws -> ResNetConfig {
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
        if let weights {
            guard weights.block == layerType else {
                throw invalid("layer_type is \(layerType.rawValue) but the weights have \(weights.block.rawValue) layers")
            }
            guard weights.layers == depths else {
                throw invalid("depths \(depths) but the weights have \(weights.layers) layers per stage")
            }
            guard weights.inChannels == numChannels else {
                throw invalid("num_channels is \(numChannels) but the embedder takes \(weights.inChannels) channels")
            }
        }
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
