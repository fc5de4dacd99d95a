import RNXPickle

/// Renders pickle values as Python would print them, shortened, for `rnx inspect`'s other entries.
///
/// Nothing is evaluated: recorded calls print as what they stand for (`Namespace(lr=0.1)`, `tensor(...)`).
struct PickleRenderer {
    let heap: PickleHeap
    /// Longest rendering before it is cut with `...`.
    var budget = 160
    /// Deepest nesting rendered; the memo can make cycles, so depth is bounded.
    var maxDepth = 6

    func render(_ value: PickleValue) -> String {
        var out = ""
        write(value, into: &out, depth: 0)
        if out.count > budget { return String(out.prefix(budget - 3)) + "..." }
        return out
    }

    private func write(_ value: PickleValue, into out: inout String, depth: Int) {
        if out.count > budget { return }
        switch value {
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .bigInt(let bytes): out += "<\(bytes.count)-byte integer>"
        case .float(let d): out += Self.pythonFloat(d)
        case .string(let s): out += Self.quote(s)
        case .bytes(let b): out += Self.bytesLiteral(b)
        case .object(let id):
            guard depth < maxDepth, heap.objects.indices.contains(id.index) else {
                out += "..."
                return
            }
            write(heap[id], into: &out, depth: depth + 1)
        }
    }

    private func write(_ object: PickleObject, into out: inout String, depth: Int) {
        switch object {
        case .tuple(let items):
            out += "("
            writeList(items, into: &out, depth: depth)
            out += items.count == 1 ? ",)" : ")"
        case .list(let items):
            out += "["
            writeList(items, into: &out, depth: depth)
            out += "]"
        case .dict(let items):
            writeDict(items, into: &out, depth: depth)
        case .set(let items):
            if items.isEmpty {
                out += "set()"
            } else {
                out += "{"
                writeList(items, into: &out, depth: depth)
                out += "}"
            }
        case .frozenSet(let items):
            out += "frozenset({"
            writeList(items, into: &out, depth: depth)
            out += "})"
        case .global(let name): out += name.description
        case .persistent: out += "<storage>"
        case .instance(let instance): write(instance, into: &out, depth: depth)
        }
    }

    private func write(_ instance: PickleInstance, into out: inout String, depth: Int) {
        let callee = instance.callee
        switch callee {
        case TorchGlobals.rebuildTensorV2, TorchGlobals.rebuildTensorV3, TorchGlobals.rebuildParameter,
             TorchGlobals.rebuildParameterWithState:
            out += "tensor(...)"
        case TorchGlobals.orderedDict:
            out += "OrderedDict("
            writeDict(instance.dictItems, into: &out, depth: depth)
            out += ")"
        case TorchGlobals.namespace:
            out += "Namespace("
            if let state = instance.state, case .object(let id) = state, heap.objects.indices.contains(id.index),
               case .dict(let items) = heap[id] {
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    if case .string(let key) = item.key { out += key } else { write(item.key, into: &out, depth: depth) }
                    out += "="
                    write(item.value, into: &out, depth: depth)
                    if out.count > budget { break }
                }
            }
            out += ")"
        case GlobalName(module: "_codecs", name: "encode"):
            // torch writes bytes at protocol 2 as _codecs.encode(latin-1 text, 'latin1').
            if case .string(let text) = instance.arguments.first {
                out += Self.bytesLiteral(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
            } else {
                out += "b'...'"
            }
        case GlobalName(module: "builtins", name: "set"), GlobalName(module: "__builtin__", name: "set"),
             GlobalName(module: "builtins", name: "frozenset"), GlobalName(module: "__builtin__", name: "frozenset"):
            out += callee.name + "("
            writeList(instance.arguments, into: &out, depth: depth)
            out += ")"
        default:
            out += callee.name + "("
            writeList(instance.arguments, into: &out, depth: depth)
            out += ")"
        }
    }

    private func writeList(_ items: [PickleValue], into out: inout String, depth: Int) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item, into: &out, depth: depth)
            if out.count > budget { return }
        }
    }

    private func writeDict(_ items: [(key: PickleValue, value: PickleValue)], into out: inout String, depth: Int) {
        out += "{"
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item.key, into: &out, depth: depth)
            out += ": "
            write(item.value, into: &out, depth: depth)
            if out.count > budget { break }
        }
        out += "}"
    }

    /// Python's `repr` of a float for the common cases: `200.0`, `91.73`, `0.0001`, `1e-05`, `inf`, `nan`.
    static func pythonFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) + ".0" }
        var text = "\(d)"
        // Swift prints 1e-05 as "1e-05" already; it prints large exponents as "1e+20", like Python.
        if let e = text.firstIndex(of: "e"), !text[e...].contains("-") && !text[e...].contains("+") {
            text.insert("+", at: text.index(after: e))
        }
        return text
    }

    /// A Python string literal in single quotes.
    static func quote(_ s: String) -> String {
        var out = "'"
        for scalar in s.unicodeScalars {
            switch scalar {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "'"
    }

    /// A Python bytes literal, e.g. `b'ab\x00'`.
    static func bytesLiteral(_ bytes: [UInt8]) -> String {
        var out = "b'"
        for byte in bytes.prefix(64) {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        return out + (bytes.count > 64 ? "...'" : "'")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
