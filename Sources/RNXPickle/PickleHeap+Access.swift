/// Typed views of values, for consumers that walk what a pickle built.
///
/// Each accessor looks at one value (it does not recurse) and returns nil when the value is something else.
extension PickleHeap {
    /// The object `value` refers to, if it is a reference into this heap.
    public func object(_ value: PickleValue) -> PickleObject? {
        guard case .object(let id) = value, objects.indices.contains(id.index) else { return nil }
        return objects[id.index]
    }

    /// The elements of a tuple.
    public func tuple(_ value: PickleValue) -> [PickleValue]? {
        if case .tuple(let items)? = object(value) { items } else { nil }
    }

    /// The elements of a list.
    public func list(_ value: PickleValue) -> [PickleValue]? {
        if case .list(let items)? = object(value) { items } else { nil }
    }

    /// The key, value pairs of a dict, in insertion order.
    public func dict(_ value: PickleValue) -> [(key: PickleValue, value: PickleValue)]? {
        if case .dict(let pairs)? = object(value) { pairs } else { nil }
    }

    /// The elements of a set or a frozenset.
    public func set(_ value: PickleValue) -> [PickleValue]? {
        switch object(value) {
        case .set(let items)?, .frozenSet(let items)?: items
        default: nil
        }
    }

    /// The global a GLOBAL or STACK_GLOBAL pushed.
    public func global(_ value: PickleValue) -> GlobalName? {
        if case .global(let name)? = object(value) { name } else { nil }
    }

    /// The recorded call REDUCE, NEWOBJ, NEWOBJ_EX, INST or OBJ made.
    public func instance(_ value: PickleValue) -> PickleInstance? {
        if case .instance(let instance)? = object(value) { instance } else { nil }
    }

    /// The id of a PERSID or BINPERSID object.
    public func persistentID(_ value: PickleValue) -> PickleValue? {
        if case .persistent(let id)? = object(value) { id } else { nil }
    }

    /// A str.
    public func string(_ value: PickleValue) -> String? {
        if case .string(let string) = value { string } else { nil }
    }

    /// Bytes (BINBYTES, SHORT_BINBYTES, BINBYTES8 or BYTEARRAY8).
    public func bytes(_ value: PickleValue) -> [UInt8]? {
        if case .bytes(let bytes) = value { bytes } else { nil }
    }

    /// An int that fits 64 bits; a bool counts as 0 or 1, as in Python.
    public func int(_ value: PickleValue) -> Int64? {
        switch value {
        case .int(let number): number
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    /// A float, or an int (or bool) converted to one, as Python's `float()` would.
    public func float(_ value: PickleValue) -> Double? {
        switch value {
        case .float(let number): number
        case .int(let number): Double(number)
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    /// A bool.
    public func bool(_ value: PickleValue) -> Bool? {
        if case .bool(let flag) = value { flag } else { nil }
    }

    /// Whether the value is None.
    public func isNone(_ value: PickleValue) -> Bool { value == .none }
}
