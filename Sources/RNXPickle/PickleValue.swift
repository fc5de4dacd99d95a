/// A value on the pickle machine's stack: a scalar held inline, or a reference to an object on the heap.
///
/// Compound values live in `PickleHeap` and are referred to by `ObjectID`, so shared and cyclic structures
/// (from the memo) cost nothing to copy and never recurse when freed.
public enum PickleValue: Hashable, Sendable {
    /// Python's None (NONE).
    case none
    /// True or False (NEWTRUE, NEWFALSE, or protocol 0's `I01` / `I00`).
    case bool(Bool)
    /// An integer that fits 64 bits, however the pickle spelled it.
    case int(Int64)
    /// An integer that does not fit in 64 bits: its shortest little-endian two's complement bytes, as LONG1/LONG4
    /// store them (`PickleInteger.decimalString` prints it).
    case bigInt([UInt8])
    /// A float (FLOAT, BINFLOAT).
    case float(Double)
    /// A str; Python 2's byte strings (STRING, BINSTRING, SHORT_BINSTRING) are decoded as UTF-8, as torch loads them.
    case string(String)
    /// bytes (BINBYTES, SHORT_BINBYTES, BINBYTES8) and, since nothing mutates them here, bytearray (BYTEARRAY8).
    case bytes([UInt8])
    /// A reference to a heap object.
    case object(ObjectID)
}
