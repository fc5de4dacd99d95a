import Foundation
import RNXTensor

/// Adaptations as a machine-readable record, so a converted file says exactly how it was made.
///
/// `rnx convert` stores the record in `.rnw` metadata (`adaptation_spec`) beside the human-readable lines, and
/// `rnx validate OUT.rnw --against SOURCE` applies it to the source, so the comparison needs no repeated options.
/// The record is a JSON array with one object per adaptation, in the order they were applied:
/// `{"num_classes": 10, "row_init": "uniform", "seed": 0}`, `{"classes": [5, 3, 999]}`, `{"in_channels": 1}`,
/// `{"dtype": "f16"}`.
extension Adaptation {
    /// The JSON object for this adaptation (keys in a fixed order, so the bytes are deterministic).
    public var recordJSON: String {
        switch self {
        case .numClasses(let count, let rowInit, let seed):
            "{\"num_classes\": \(count), \"row_init\": \(rowInit.rawValue.jsonQuoted), \"seed\": \(seed)}"
        case .classes(let rows):
            "{\"classes\": [\(rows.map(String.init).joined(separator: ", "))]}"
        case .inChannels(let count):
            "{\"in_channels\": \(count)}"
        case .dtype(let dtype):
            "{\"dtype\": \(dtype.shortName.jsonQuoted)}"
        }
    }

    /// The JSON array recording `adaptations`, `[]` for none.
    public static func record(_ adaptations: [Adaptation]) -> String {
        "[" + adaptations.map(\.recordJSON).joined(separator: ", ") + "]"
    }

    /// Reads back what `record(_:)` wrote; throws `ArchError.invalidAdaptationRecord` for anything else.
    public static func parseRecord(_ text: String) throws -> [Adaptation] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ArchError.invalidAdaptationRecord("not JSON")
        }
        guard let entries = value as? [Any] else { throw ArchError.invalidAdaptationRecord("not a JSON array") }
        return try entries.enumerated().map { index, entry in
            guard let object = entry as? [String: Any] else {
                throw ArchError.invalidAdaptationRecord("entry \(index) is not an object")
            }
            return try Adaptation(recordObject: object, index: index)
        }
    }

    private init(recordObject object: [String: Any], index: Int) throws {
        func integer(_ key: String) throws -> Int {
            guard let value = Adaptation.wholeNumber(object[key]).flatMap({ Int(exactly: $0) }) else {
                throw ArchError.invalidAdaptationRecord("entry \(index): '\(key)' is not a non-negative integer")
            }
            return value
        }
        let keys = Set(object.keys)
        if keys == ["num_classes", "row_init", "seed"] {
            guard let name = object["row_init"] as? String, let rowInit = RowInit(rawValue: name) else {
                throw ArchError.invalidAdaptationRecord("entry \(index): unknown 'row_init'")
            }
            guard let seed = Adaptation.wholeNumber(object["seed"]) else {
                throw ArchError.invalidAdaptationRecord("entry \(index): 'seed' is not a non-negative integer")
            }
            self = .numClasses(try integer("num_classes"), rowInit: rowInit, seed: seed)
        } else if keys == ["classes"] {
            guard let rows = object["classes"] as? [Any] else {
                throw ArchError.invalidAdaptationRecord("entry \(index): 'classes' is not an array")
            }
            self = .classes(try rows.map { row in
                guard let value = Adaptation.wholeNumber(row).flatMap({ Int(exactly: $0) }) else {
                    throw ArchError.invalidAdaptationRecord("entry \(index): a class index is not a non-negative integer")
                }
                return value
            })
        } else if keys == ["in_channels"] {
            self = .inChannels(try integer("in_channels"))
        } else if keys == ["dtype"] {
            guard let name = object["dtype"] as? String, let dtype = DType(safetensorsCode: name.uppercased()),
                  dtype.isFloatingPoint
            else { throw ArchError.invalidAdaptationRecord("entry \(index): unknown 'dtype'") }
            self = .dtype(dtype)
        } else {
            throw ArchError.invalidAdaptationRecord(
                "entry \(index) has keys \(keys.sorted().joined(separator: ", ")), not an adaptation")
        }
    }

    /// A JSON number that is a non-negative integer, exactly (not a boolean, not a fraction, not rounded by a
    /// detour through `Double`: seeds use all 64 bits).
    private static func wholeNumber(_ value: Any?) -> UInt64? {
        guard let number = value as? NSNumber else { return nil }
        switch String(cString: number.objCType) {
        case "c", "f", "d": return nil  // booleans and floating-point numbers
        case "Q", "L", "I", "S", "C": return number.uint64Value
        default: return number.int64Value >= 0 ? UInt64(number.int64Value) : nil
        }
    }
}
