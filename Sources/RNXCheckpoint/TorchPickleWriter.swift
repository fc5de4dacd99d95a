import RNXTensor

/// Writes the `data.pkl` of a state dict exactly as `torch.save` pickles a plain `collections.OrderedDict` of
/// contiguous CPU tensors, opcode for opcode.
///
/// The pickle is what CPython's pickler makes at protocol 2 with torch's `persistent_id`: the dict is
/// `OrderedDict()` rebuilt by REDUCE and filled by SETITEMS in batches of 1,000; each tensor is
/// `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())` whose storage is the persistent
/// id `('storage', torch.<Type>Storage, '<key>', 'cpu', <elements>)`, with keys `0`, `1`, ... in order. Every
/// memoizable object is memoized as CPython does it (BINPUT after each), and the objects CPython shares (the globals,
/// the `'storage'` and `'cpu'` strings) are fetched again with BINGET, so the bytes equal torch's own for the same
/// dict (the tests compare them with a pickle torch wrote). The dict's per-module `_metadata` (module versions),
/// which `state_dict()` attaches, is not written: `load_state_dict` needs it only for checkpoints older than the
/// modules, and a plain `OrderedDict` (what `torch.load` of a plain dict gives) has none either.
public struct TorchPickleWriter {
    /// One tensor of the state dict, stored in its own storage `key`.
    public struct Entry: Sendable {
        /// The state-dict key.
        public var name: String
        /// The element type, which decides the storage class (`torch.FloatStorage`, `torch.HalfStorage`, ...).
        public var dtype: DType
        /// The shape; the tensor is written contiguous, so the strides follow from it.
        public var shape: [Int]
        /// The storage's key, which names its `data/<key>` record.
        public var storageKey: String

        /// An entry for the tensor `name` stored whole in storage `storageKey`.
        public init(name: String, dtype: DType, shape: [Int], storageKey: String) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.storageKey = storageKey
        }
    }

    /// CPython's `Pickler._BATCHSIZE`: SETITEMS takes at most this many pairs.
    static let batchSize = 1000

    private var bytes: [UInt8] = []
    private var memoCount = 0
    /// Memo slots of the objects CPython pickles once and refers back to: globals and interned strings.
    private var shared: [String: Int] = [:]

    /// The torch storage class that holds `dtype` (`FloatStorage`, `LongStorage`, ...), or nil if torch has none.
    public static func storageClass(_ dtype: DType) -> String? {
        switch dtype {
        case .float64: "DoubleStorage"
        case .float32: "FloatStorage"
        case .float16: "HalfStorage"
        case .bfloat16: "BFloat16Storage"
        case .int64: "LongStorage"
        case .int32: "IntStorage"
        case .int16: "ShortStorage"
        case .int8: "CharStorage"
        case .uint8: "ByteStorage"
        case .bool: "BoolStorage"
        case .uint16, .uint32, .uint64: nil
        }
    }

    /// Row-major strides as torch computes them for a contiguous tensor (a zero-size dimension counts as 1).
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= max(shape[axis], 1)
        }
        return strides
    }

    /// The pickle of `entries`, in order.
    ///
    /// - Throws: `CheckpointError.writeFailed` for a dtype torch has no storage class for.
    public static func pickle(_ entries: [Entry]) throws -> [UInt8] {
        var writer = TorchPickleWriter()
        try writer.write(entries)
        return writer.bytes
    }

    private mutating func write(_ entries: [Entry]) throws {
        bytes.reserveCapacity(64 + entries.count * 128)
        bytes += [0x80, 2]  // PROTO 2
        global("collections", "OrderedDict")
        bytes.append(0x29)  // EMPTY_TUPLE
        bytes.append(0x52)  // REDUCE
        put()
        var start = 0
        repeat {
            let batch = entries[start..<min(start + Self.batchSize, entries.count)]
            if batch.count > 1 { bytes.append(0x28) }  // MARK
            for entry in batch { try tensor(entry) }
            if batch.count > 1 { bytes.append(0x75) } else if batch.count == 1 { bytes.append(0x73) }  // SETITEMS, SETITEM
            start += batch.count
            if batch.count < Self.batchSize { break }
        } while true
        bytes.append(0x2E)  // STOP
    }

    private mutating func tensor(_ entry: Entry) throws {
        guard let storage = Self.storageClass(entry.dtype) else {
            throw CheckpointError.writeFailed(reason: "torch has no storage type for \(entry.dtype.rawValue) ('\(entry.name)')")
        }
        string(entry.name)
        global("torch._utils", "_rebuild_tensor_v2")
        bytes.append(0x28)  // MARK: the arguments
        // The persistent id, then BINPERSID.
        bytes.append(0x28)
        sharedString("storage")
        global("torch", storage)
        string(entry.storageKey)
        sharedString("cpu")
        integer(entry.shape.reduce(1, *))
        bytes.append(0x74)  // TUPLE
        put()
        bytes.append(0x51)  // BINPERSID
        integer(0)  // storage_offset
        tuple(entry.shape)
        tuple(Self.contiguousStrides(entry.shape))
        bytes.append(0x89)  // NEWFALSE: requires_grad
        global("collections", "OrderedDict")  // backward_hooks: OrderedDict()
        bytes.append(0x29)
        bytes.append(0x52)
        put()
        bytes.append(0x74)  // TUPLE of the six arguments
        put()
        bytes.append(0x52)  // REDUCE
        put()
    }

    /// A tuple of integers as CPython writes it: EMPTY_TUPLE, TUPLE1-3, or MARK ... TUPLE, memoized unless empty.
    private mutating func tuple(_ values: [Int]) {
        if values.isEmpty {
            bytes.append(0x29)
            return
        }
        if values.count > 3 { bytes.append(0x28) }
        for value in values { integer(value) }
        switch values.count {
        case 1: bytes.append(0x85)
        case 2: bytes.append(0x86)
        case 3: bytes.append(0x87)
        default: bytes.append(0x74)
        }
        put()
    }

    /// An int as CPython's `save_long` writes it at protocol 2.
    private mutating func integer(_ value: Int) {
        if value >= 0 && value <= 0xFF {
            bytes += [0x4B, UInt8(value)]  // BININT1
        } else if value >= 0 && value <= 0xFFFF {
            bytes += [0x4D, UInt8(value & 0xFF), UInt8(value >> 8)]  // BININT2
        } else if value >= -0x8000_0000 && value <= 0x7FFF_FFFF {
            bytes.append(0x4A)  // BININT
            bytes.appendLittleEndian(UInt32(truncatingIfNeeded: value))
        } else {
            // LONG1, as CPython's encode_long sizes it: bit_length / 8 + 1 bytes (element counts are never negative).
            let magnitude = UInt64(max(value, 0))
            let count = (64 - magnitude.leadingZeroBitCount) / 8 + 1
            let encoded = (0..<count).map { UInt8(truncatingIfNeeded: magnitude >> (8 * UInt64($0))) }
            bytes += [0x8A, UInt8(encoded.count)] + encoded
        }
    }

    private mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes.append(0x58)  // BINUNICODE
        bytes.appendLittleEndian(UInt32(utf8.count))
        bytes += utf8
        put()
    }

    /// A string CPython interns, so every later use is a BINGET of the first.
    private mutating func sharedString(_ text: String) {
        if let slot = shared["s:" + text] { return get(slot) }
        string(text)
        shared["s:" + text] = memoCount - 1
    }

    private mutating func global(_ module: String, _ name: String) {
        let key = "g:\(module) \(name)"
        if let slot = shared[key] { return get(slot) }
        bytes.append(0x63)  // GLOBAL
        bytes += Array("\(module)\n\(name)\n".utf8)
        put()
        shared[key] = memoCount - 1
    }

    private mutating func put() {
        if memoCount < 256 {
            bytes += [0x71, UInt8(memoCount)]  // BINPUT
        } else {
            bytes.append(0x72)  // LONG_BINPUT
            bytes.appendLittleEndian(UInt32(memoCount))
        }
        memoCount += 1
    }

    private mutating func get(_ slot: Int) {
        if slot < 256 {
            bytes += [0x68, UInt8(slot)]  // BINGET
        } else {
            bytes.append(0x6A)  // LONG_BINGET
            bytes.appendLittleEndian(UInt32(slot))
        }
    }
}
