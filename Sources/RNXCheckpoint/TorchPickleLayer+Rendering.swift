import RNXPickle

/// Printing pickle values as Python would, shortened, for `rnx inspect`'s other entries and keys in errors.
extension TorchPickleLayer {
    /// Longest rendering, `...` included; longer ones keep their first `renderBudget - 3` characters.
    static let renderBudget = 160

    /// Python's `repr` of `value`, with torch's recorded calls printed as what they stand for (`tensor(...)`).
    func render(_ value: PickleValue) -> String {
        // One character over the budget tells a text that fits exactly from one that was cut.
        let text = heap.render(value, limit: Self.renderBudget + 1, instance: torchRendering)
        guard text.count > Self.renderBudget else { return text }
        return String(text.prefix(Self.renderBudget - 3)) + "..."
    }

    /// How a torch checkpoint's recorded calls print; `nil` leaves the generic `module.name(...)` form.
    private func torchRendering(_ instance: PickleInstance) -> InstanceRendering? {
        if TorchGlobals.isTensorRebuild(instance.callee) { return .text("tensor(...)") }
        switch instance.callee {
        case let callee where TorchGlobals.numpyReconstruct.contains(callee):
            return numpyArrayRendering(instance)
        case let callee where TorchGlobals.numpyScalar.contains(callee):
            return numpyScalarRendering(instance)
        case TorchGlobals.numpyDType:
            guard let code = numpyTypeCode(instance) else { return nil }
            return .text("dtype('\(code)')")
        case TorchGlobals.orderedDict:
            // Python 3.12's form; an empty one is `OrderedDict()` in every version.
            if instance.dictItems.isEmpty { return .text("OrderedDict()") }
            return InstanceRendering([.text("OrderedDict({"), .pairs(instance.dictItems, keywords: false), .text("})")])
        case TorchGlobals.namespace:
            // argparse.Namespace pickles its attributes as a dict state.
            guard let state = instance.state, let pairs = heap.dict(state) else { return .call("Namespace") }
            return .call("Namespace", keywords: pairs)
        case GlobalName(module: "_codecs", name: "encode"):
            // Protocol 2 writes bytes as _codecs.encode(text of code points 0-255, 'latin1').
            guard case .string(let text) = instance.arguments.first else { return nil }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case GlobalName(module: "builtins", name: "set"), GlobalName(module: "__builtin__", name: "set"):
            return setRendering(instance, open: "{", close: "}", empty: "set()")
        case GlobalName(module: "builtins", name: "frozenset"), GlobalName(module: "__builtin__", name: "frozenset"):
            return setRendering(instance, open: "frozenset({", close: "})", empty: "frozenset()")
        default:
            return nil
        }
    }

    /// A numpy array as `array(shape=(2, 3), dtype='<f4')`: its shape and dtype from the BUILD state, values not
    /// decoded (the bytes are there, but nothing in a checkpoint's other entries needs them printed).
    private func numpyArrayRendering(_ instance: PickleInstance) -> InstanceRendering? {
        guard let state = instance.state, let fields = heap.tuple(state), fields.count == 5,
              let shape = heap.tuple(fields[1]), shape.allSatisfy({ heap.int($0) != nil }),
              let dtype = heap.instance(fields[2]), dtype.callee == TorchGlobals.numpyDType,
              let code = numpyTypeCode(dtype)
        else { return .text("array(...)") }
        return InstanceRendering([.text("array(shape="), .values([fields[1]]), .text(", dtype='\(code)')")])
    }

    /// A little-endian numpy scalar as numpy 2 prints it (`np.float64(0.9)`); other types keep the generic form.
    private func numpyScalarRendering(_ instance: PickleInstance) -> InstanceRendering? {
        guard instance.arguments.count == 2, let dtype = heap.instance(instance.arguments[0]),
              let code = numpyTypeCode(dtype), let bytes = scalarBytes(instance.arguments[1])
        else { return nil }
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.reversed().reduce(T.zero) { ($0 << 8) | T(truncatingIfNeeded: $1) }
        }
        let text: String? = switch code {
        case "<f8": load(UInt64.self).map { "np.float64(\(Double(bitPattern: $0)))" }
        case "<f4": load(UInt32.self).map { "np.float32(\(Float(bitPattern: $0)))" }
        case "<i8": load(Int64.self).map { "np.int64(\($0))" }
        case "<i4": load(Int32.self).map { "np.int32(\($0))" }
        case "|b1": load(UInt8.self).map { $0 != 0 ? "np.True_" : "np.False_" }
        default: nil
        }
        return text.map { .text($0) }
    }

    /// The bytes of a protocol-3 `bytes` value or of protocol 2's `_codecs.encode(text, 'latin1')`.
    private func scalarBytes(_ value: PickleValue) -> [UInt8]? {
        if let bytes = heap.bytes(value) { return bytes }
        guard let call = heap.instance(value), call.callee == GlobalName(module: "_codecs", name: "encode"),
              let text = call.arguments.first.flatMap({ heap.string($0) })
        else { return nil }
        return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    /// A numpy dtype's type string with its byte order (`<f8`, `|b1`): `dtype('f8', False, True)` then BUILD
    /// `(3, '<', ...)`.
    private func numpyTypeCode(_ dtype: PickleInstance) -> String? {
        guard let descr = dtype.arguments.first.flatMap({ heap.string($0) }) else { return nil }
        guard let state = dtype.state, let fields = heap.tuple(state), fields.count > 1,
              let order = heap.string(fields[1])
        else { return descr }
        return order + descr
    }

    /// A set rebuilt by protocol 2 as `set([items])`, printed as Python prints the set.
    private func setRendering(_ instance: PickleInstance, open: String, close: String, empty: String)
        -> InstanceRendering?
    {
        guard let argument = instance.arguments.first else { return .text(empty) }
        guard instance.arguments.count == 1, let items = heap.list(argument) else { return nil }
        return items.isEmpty ? .text(empty) : InstanceRendering([.text(open), .values(items), .text(close)])
    }
}
