import Foundation

/// A scan of the object keys in JSON text that JSONSerialization has already accepted.
///
/// JSONSerialization returns dictionaries, which lose key order and silently merge duplicate keys. safetensors must
/// reject duplicates (two tensors claiming one name) and rnx keeps header order, so this scan walks the text once,
/// tracking strings and nesting, and records every key of every object.
struct JSONKeyScanner {
    /// The top-level object's keys in text order.
    var topLevelKeys: [String] = []
    /// The keys of the top-level `__metadata__` object in text order.
    var metadataKeys: [String] = []
    /// The first key found twice in one object, if any.
    var duplicate: String?

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Scans `bytes`, which must be valid JSON.
    static func scan(_ bytes: [UInt8]) -> JSONKeyScanner {
        var result = JSONKeyScanner()
        // One frame per open container: nil for arrays, the keys seen so far for objects.
        var stack: [Set<String>?] = []
        var inMetadata = false
        var pendingMetadata = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                var end = start
                var escaped = false
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") { escaped = true; end += 1 }
                    end += 1
                }
                index = min(end + 1, bytes.count)
                var next = index
                while next < bytes.count && isWhitespace(bytes[next]) { next += 1 }
                guard next < bytes.count, bytes[next] == UInt8(ascii: ":"), let top = stack.last, var keys = top else {
                    continue
                }
                let raw = Array(bytes[start..<min(end, bytes.count)])
                let key = escaped ? decode(raw) : String(decoding: raw, as: UTF8.self)
                if keys.contains(key), result.duplicate == nil { result.duplicate = key }
                keys.insert(key)
                stack[stack.count - 1] = keys
                if stack.count == 1 {
                    result.topLevelKeys.append(key)
                    pendingMetadata = key == "__metadata__"
                } else if stack.count == 2 && inMetadata {
                    result.metadataKeys.append(key)
                }
                index = next + 1
                continue
            case UInt8(ascii: "{"):
                stack.append(Set<String>())
                inMetadata = stack.count == 2 && pendingMetadata
                pendingMetadata = false
            case UInt8(ascii: "["):
                stack.append(nil)
                pendingMetadata = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                if stack.count < 2 { inMetadata = false }
            default:
                if !isWhitespace(byte) && byte != UInt8(ascii: ",") && stack.count == 1 { pendingMetadata = false }
            }
            index += 1
        }
        return result
    }

    /// Decodes a string literal's contents with escapes, via JSONSerialization so the rules are JSON's own.
    private static func decode(_ raw: [UInt8]) -> String {
        let literal = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return (try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed) as? String)
            ?? String(decoding: raw, as: UTF8.self)
    }
}
