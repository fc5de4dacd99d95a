import Foundation
import RNXTensor

/// Parsing and validating a safetensors JSON header against the size of its data section.
enum SafetensorsHeader {
    struct Parsed {
        var entries: [SafetensorsLayout.Entry]
        var metadata: [String: String]
        var metadataKeys: [String]
    }

    static func parse(_ header: [UInt8], dataSize: Int) throws -> Parsed {
        guard let first = header.first(where: { !JSONKeyScanner.isWhitespace($0) }), first == UInt8(ascii: "{") else {
            throw CheckpointError.safetensorsHeaderInvalid(reason: "does not start with '{'")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(header))
        } catch {
            throw CheckpointError.safetensorsHeaderInvalid(reason: "malformed JSON")
        }
        guard let root = object as? [String: Any] else {
            throw CheckpointError.safetensorsHeaderInvalid(reason: "not an object")
        }
        // JSONSerialization keeps one of two equal keys silently; the scan sees them all and gives header order.
        let scan = JSONKeyScanner.scan(header)
        if let duplicate = scan.duplicate { throw CheckpointError.safetensorsDuplicateKey(duplicate) }
        let order = scan.topLevelKeys

        var metadata: [String: String] = [:]
        var metadataKeys: [String] = []
        var entries: [SafetensorsLayout.Entry] = []
        for key in order {
            guard let value = root[key] else { continue }
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw CheckpointError.safetensorsInvalidEntry(key: key, reason: "not an object of strings")
                }
                for metaKey in scan.metadataKeys {
                    guard let string = map[metaKey] as? String else {
                        throw CheckpointError.safetensorsInvalidEntry(
                            key: key, reason: "value of '\(metaKey)' is not a string")
                    }
                    metadata[metaKey] = string
                    metadataKeys.append(metaKey)
                }
                continue
            }
            entries.append(try entry(key: key, value: value))
        }
        // Stable sort by offsets: header order decides among zero-size tensors sharing an offset.
        let sorted = entries.enumerated().sorted {
            ($0.element.dataRange.lowerBound, $0.element.dataRange.upperBound, $0.offset)
                < ($1.element.dataRange.lowerBound, $1.element.dataRange.upperBound, $1.offset)
        }.map(\.element)
        var end = 0
        for entry in sorted {
            let range = entry.dataRange
            if range.lowerBound < end {
                throw CheckpointError.safetensorsOverlap(key: entry.descriptor.name, offset: range.lowerBound)
            }
            if range.lowerBound > end { throw CheckpointError.safetensorsHole(key: entry.descriptor.name, offset: end) }
            if range.upperBound > dataSize {
                throw CheckpointError.safetensorsPastEnd(
                    key: entry.descriptor.name, end: range.upperBound, dataSize: dataSize)
            }
            end = range.upperBound
        }
        if end < dataSize { throw CheckpointError.safetensorsTrailingBytes(offset: end, count: dataSize - end) }
        return Parsed(entries: sorted, metadata: metadata, metadataKeys: metadataKeys)
    }

    private static func entry(key: String, value: Any) throws -> SafetensorsLayout.Entry {
        func invalid(_ reason: String) -> CheckpointError { .safetensorsInvalidEntry(key: key, reason: reason) }
        guard let info = value as? [String: Any] else { throw invalid("not an object") }
        for field in info.keys where !["dtype", "shape", "data_offsets"].contains(field) {
            throw invalid("unknown field '\(field)'")
        }
        guard let code = info["dtype"] as? String else { throw invalid("missing or non-string 'dtype'") }
        guard let dtype = DType(safetensorsCode: code) else {
            throw CheckpointError.safetensorsUnknownDType(key: key, code: code)
        }
        guard let shapeValues = info["shape"] as? [Any] else { throw invalid("missing or non-array 'shape'") }
        let shape = try shapeValues.map { element -> Int in
            guard let dimension = integer(element), dimension >= 0 else {
                throw invalid("shape holds something other than a non-negative integer")
            }
            return dimension
        }
        guard let offsetValues = info["data_offsets"] as? [Any], offsetValues.count == 2,
              let begin = integer(offsetValues[0]), let end = integer(offsetValues[1]), begin >= 0, end >= begin
        else { throw invalid("'data_offsets' is not [begin, end] with 0 <= begin <= end") }
        guard let count = CheckedArithmetic.product(shape),
              let bytes = CheckedArithmetic.multiply(count, dtype.byteSize)
        else { throw invalid("shape \(shape.shapeDescription) overflows") }
        guard bytes == end - begin else {
            throw CheckpointError.safetensorsSpanMismatch(key: key, expected: bytes, found: end - begin)
        }
        return SafetensorsLayout.Entry(
            descriptor: TensorDescriptor(name: key, dtype: dtype, shape: shape), dataRange: begin..<end)
    }

    /// An exact integer from a JSON number; fractions and out-of-range values give nil.
    private static func integer(_ value: Any) -> Int? {
        if let number = value as? NSNumber {
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9.0e18 else { return nil }
            return number.intValue
        }
        return nil
    }
}
