/// A value on the pickle machine's stack: a scalar held inline, or a reference to an object on the heap.
///
/// Compound values live in `PickleHeap` and are referred to by `ObjectID`, so shared and cyclic structures
/// (from the memo) cost nothing to copy and never recurse when freed.
public enum PickleValue: Hashable, Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer that does not fit in 64 bits: little-endian two's complement bytes, as LONG1/LONG4 store them.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case object(ObjectID)
}

/// The index of an object in a `PickleHeap`.
public struct ObjectID: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// A fully qualified global such as `collections.OrderedDict`; never imported, only compared.
public struct GlobalName: Hashable, Sendable, CustomStringConvertible {
    public let module: String
    public let name: String
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }
    public var description: String { module + "." + name }
}

/// A global the pickle referenced, and the byte offset of the opcode that referenced it.
public struct GlobalReference: Hashable, Sendable {
    public let global: GlobalName
    public let offset: Int
    public init(global: GlobalName, offset: Int) {
        self.global = global
        self.offset = offset
    }
}
