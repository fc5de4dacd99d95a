import Foundation
import RNXPickle

/// Compares a value the machine built with the tagged JSON `gen_pickles.py` wrote from Python's side.
///
/// Where CPython pickles a value as a call instead of an opcode, the machine records that call, and the comparator
/// knows CPython's reductions (from `Lib/pickle.py` and `copyreg`):
/// - bytes below protocol 3: `_codecs.encode(<str of Latin-1 code points>, 'latin1')`, or `builtins.bytes()` if empty;
/// - bytearray below protocol 5: `builtins.bytearray(<bytes as above>)`, or `builtins.bytearray()` if empty;
/// - set and frozenset below protocol 4: `builtins.set([items])`, `builtins.frozenset([items])`;
/// - OrderedDict: `collections.OrderedDict()` with SETITEMS, and BUILD with its `__dict__` if it has attributes;
/// - a plain class instance: NEWOBJ `cls.__new__(cls)` from protocol 2, `copyreg._reconstructor(cls, object, None)`
///   below, then BUILD with its `__dict__`;
/// - a `__getnewargs_ex__` instance: NEWOBJ_EX from protocol 4, like a plain instance below protocol 2 (protocols 2
///   and 3 call a `functools.partial`, which the machine refuses: see `CPythonFixtureTests`);
/// - a persistent id: PERSID with `str(pid)` at protocol 0, BINPERSID with the pid itself above.
struct TaggedValueComparator {
    let heap: PickleHeap
    let protocolVersion: Int
    /// JSON ids seen so far and the heap objects they stand for: sharing and cycles must be preserved.
    var refs: [Int: ObjectID] = [:]

    init(heap: PickleHeap, protocolVersion: Int) {
        self.heap = heap
        self.protocolVersion = protocolVersion
    }

    mutating func mismatch(_ expected: Any, _ actual: PickleValue, path: String) -> String? {
        guard let tag = expected as? [String: Any], let type = tag["t"] as? String else { return "\(path): bad tag" }
        func fail(_ what: String) -> String { "\(path): expected \(type) \(what), found \(heap.render(actual, limit: 120))" }
        if let id = tag["id"] as? Int, case .object(let object) = actual { refs[id] = object }
        switch type {
        case "none":
            return actual == .none ? nil : fail("")
        case "bool":
            return actual == .bool(tag["v"] as? Bool ?? false) ? nil : fail("\(tag["v"] ?? "")")
        case "int":
            let text = tag["v"] as? String ?? ""
            switch actual {
            case .int(let number): return String(number) == text ? nil : fail(text)
            case .bigInt(let bytes):
                // A value that fits 64 bits must come out as .int.
                if Int64(text) != nil { return fail(text + " as .int") }
                return PickleInteger.decimalString(bytes) == text ? nil : fail(text)
            default: return fail(text)
            }
        case "float":
            let bits = UInt64(tag["bits"] as? String ?? "", radix: 16)
            guard case .float(let number) = actual, number.bitPattern == bits else { return fail("bits \(tag["bits"] ?? "")") }
            return nil
        case "str":
            return actual == .string(tag["v"] as? String ?? "") ? nil : fail("\(tag["v"] ?? "")")
        case "bytes":
            let bytes = Self.bytes(hex: tag["hex"] as? String ?? "")
            if protocolVersion >= 3 { return actual == .bytes(bytes) ? nil : fail("") }
            guard let call = heap.instance(actual) else { return fail("as a call") }
            if bytes.isEmpty {
                return call.callee.description == "builtins.bytes" && call.arguments.isEmpty ? nil : fail("builtins.bytes()")
            }
            let latin1 = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
            guard call.callee.description == "_codecs.encode",
                call.arguments == [.string(latin1), .string("latin1")]
            else { return fail("_codecs.encode(..., 'latin1')") }
            return nil
        case "bytearray":
            if protocolVersion >= 5 { return actual == .bytes(Self.bytes(hex: tag["hex"] as? String ?? "")) ? nil : fail("") }
            guard let call = heap.instance(actual), call.callee.description == "builtins.bytearray" else {
                return fail("builtins.bytearray(...)")
            }
            if (tag["hex"] as? String ?? "").isEmpty { return call.arguments.isEmpty ? nil : fail("()") }
            guard call.arguments.count == 1 else { return fail("one argument") }
            return mismatch(["t": "bytes", "hex": tag["hex"] ?? ""], call.arguments[0], path: path + ".arg")
        case "tuple":
            guard let items = heap.tuple(actual) else { return fail("") }
            return sequence(tag["items"], items, path: path)
        case "list":
            guard let items = heap.list(actual) else { return fail("") }
            return sequence(tag["items"], items, path: path)
        case "dict":
            guard let pairs = heap.dict(actual) else { return fail("") }
            return mapping(tag["items"], pairs, path: path)
        case "set", "frozenset":
            if protocolVersion >= 4 {
                guard case .object(let id) = actual else { return fail("") }
                switch heap[id] {
                case .set(let items) where type == "set": return sequence(tag["items"], items, path: path)
                case .frozenSet(let items) where type == "frozenset": return sequence(tag["items"], items, path: path)
                default: return fail("")
                }
            }
            guard let call = heap.instance(actual), call.callee.description == "builtins." + type else {
                return fail("as builtins.\(type)(...)")
            }
            if call.arguments.isEmpty, (tag["items"] as? [Any])?.isEmpty == true { return nil }
            guard call.arguments.count == 1, let items = heap.list(call.arguments[0]) else { return fail("([...])") }
            return sequence(tag["items"], items, path: path)
        case "odict":
            guard let call = heap.instance(actual), call.callee.description == "collections.OrderedDict",
                call.arguments.isEmpty, call.listItems.isEmpty
            else { return fail("as collections.OrderedDict()") }
            if let problem = mapping(tag["items"], call.dictItems, path: path) { return problem }
            return state(tag["state"], call.state, path: path)
        case "object":
            guard let call = heap.instance(actual) else { return fail("") }
            let className = tag["class"] as? String ?? ""
            if protocolVersion >= 2 {
                guard call.callee.description == className, call.arguments.isEmpty else { return fail("\(className).__new__") }
            } else {
                guard call.callee.description == "copyreg._reconstructor", call.arguments.count == 3,
                    heap.global(call.arguments[0])?.description == className,
                    heap.global(call.arguments[1])?.description == "builtins.object", call.arguments[2] == .none
                else { return fail("copyreg._reconstructor(\(className), object, None)") }
            }
            return state(tag["state"], call.state, path: path)
        case "newobj_ex":
            // Protocol 4 and 5: NEWOBJ_EX(cls, args, kwargs) then BUILD; 0 and 1: copyreg._reconstructor as above.
            guard protocolVersion >= 4 else {
                return mismatch(["t": "object", "class": tag["class"] ?? "", "state": tag["state"] ?? [:]], actual, path: path)
            }
            guard let call = heap.instance(actual), call.callee.description == tag["class"] as? String else {
                return fail("\(tag["class"] ?? "").__new__")
            }
            if let problem = sequence(tag["args"], call.arguments, path: path + ".args") { return problem }
            if let problem = mapping(tag["kwargs"], call.keywordArguments, path: path + ".kwargs") { return problem }
            return state(tag["state"], call.state, path: path)
        case "global":
            return heap.global(actual)?.description == tag["name"] as? String ? nil : fail("\(tag["name"] ?? "")")
        case "call":
            guard let call = heap.instance(actual), call.callee.description == tag["callee"] as? String else {
                return fail("\(tag["callee"] ?? "")(...)")
            }
            return sequence(tag["args"], call.arguments, path: path + ".args")
        case "persistent":
            guard let pid = heap.persistentID(actual) else { return fail("") }
            if protocolVersion == 0 { return pid == .string(tag["text"] as? String ?? "") ? nil : fail("text") }
            return mismatch(tag["id"] ?? [:], pid, path: path + ".pid")
        case "ref":
            guard let id = tag["id"] as? Int, let object = refs[id], actual == .object(object) else {
                return fail("the same object as id \(tag["id"] ?? "")")
            }
            return nil
        default:
            return "\(path): unknown tag \(type)"
        }
    }

    mutating func sequence(_ expected: Any?, _ actual: [PickleValue], path: String) -> String? {
        guard let items = expected as? [Any], items.count == actual.count else {
            return "\(path): expected \((expected as? [Any])?.count ?? -1) items, found \(actual.count)"
        }
        for (index, item) in items.enumerated() {
            if let problem = mismatch(item, actual[index], path: "\(path)[\(index)]") { return problem }
        }
        return nil
    }

    mutating func mapping(_ expected: Any?, _ actual: [(key: PickleValue, value: PickleValue)], path: String) -> String? {
        guard let pairs = expected as? [[Any]], pairs.count == actual.count else {
            return "\(path): expected \((expected as? [Any])?.count ?? -1) pairs, found \(actual.count)"
        }
        for (index, pair) in pairs.enumerated() {
            if let problem = mismatch(pair[0], actual[index].key, path: "\(path).key[\(index)]") { return problem }
            if let problem = mismatch(pair[1], actual[index].value, path: "\(path).value[\(index)]") { return problem }
        }
        return nil
    }

    mutating func state(_ expected: Any?, _ actual: PickleValue?, path: String) -> String? {
        switch (expected, actual) {
        case (nil, nil): return nil
        case (let expected?, let actual?): return mismatch(expected, actual, path: path + ".state")
        default: return "\(path): state expected \(expected == nil ? "absent" : "present")"
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
