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

    /// A set rebuilt by protocol 2 as `set([items])`, printed as Python prints the set.
    private func setRendering(_ instance: PickleInstance, open: String, close: String, empty: String)
        -> InstanceRendering?
    {
        guard let argument = instance.arguments.first else { return .text(empty) }
        guard instance.arguments.count == 1, let items = heap.list(argument) else { return nil }
        return items.isEmpty ? .text(empty) : InstanceRendering([.text(open), .values(items), .text(close)])
    }
}
