/// Prints a value the way Python's `repr` would, within a character budget and without recursion.
///
/// Work is proportional to the budget, not to the value: a shared sub-object referenced a million times, a cycle
/// through the memo or a list of a billion items all stop once `limit` characters are out. An object met again
/// inside itself prints as Python prints a recursive container (`[...]`).
struct PickleRenderer {
    /// Containers nested deeper than this print as `...`.
    static let maxDepth = 64

    enum Segment {
        case text(String)
        /// Text that opens a new comma-separated list, as `(` after an opaque call's callee.
        case opening(String)
        case values([PickleValue])
        /// `key: value` pairs, or `key=value` pairs (keyword arguments, an instance's state) when `keywords`.
        case pairs([(key: PickleValue, value: PickleValue)], keywords: Bool)
        /// One item that is itself a sequence of segments, e.g. an instance's list items `[...]`.
        case group([Segment])
        /// One item: a label and a value (`state=...`).
        case labeled(String, PickleValue)
        /// A bytes literal, cut to the budget like a `.bytes` value.
        case bytes([UInt8])
    }

    struct Frame {
        var object: Int?
        var segments: [Segment]
        var segment = 0
        var item = 0
        /// Items printed so far, for commas.
        var printed = 0
        /// For pairs: whether the key of the current pair has been printed.
        var keyDone = false
    }

    let heap: PickleHeap
    let limit: Int
    /// The caller's own printing of recorded calls; `nil` from it (or no closure) prints the default form.
    let customize: ((PickleInstance) -> InstanceRendering?)?
    var output = ""
    var used = 0
    var frames: [Frame] = []
    var onPath: Set<Int> = []

    init(heap: PickleHeap, limit: Int, customize: ((PickleInstance) -> InstanceRendering?)? = nil) {
        self.heap = heap
        self.limit = max(0, limit)
        self.customize = customize
    }

    var full: Bool { used >= limit }

    mutating func emit(_ text: String) {
        guard !full else { return }
        let room = limit - used
        if text.utf8.count <= room || text.count <= room {
            output += text
            used += text.count
        } else {
            output += text.prefix(room)
            used = limit
        }
    }

    mutating func render(_ value: PickleValue) -> String {
        emitValue(value)
        while !full, let last = frames.indices.last {
            advance(last)
        }
        if full { output += "..." }
        return output
    }

    /// Makes one step of progress in the frame at `index`: prints something, moves on, or finishes the frame.
    mutating func advance(_ index: Int) {
        let frame = frames[index]
        guard frame.segment < frame.segments.count else {
            if let object = frame.object { onPath.remove(object) }
            frames.removeLast()
            return
        }
        switch frame.segments[frame.segment] {
        case .text(let text):
            emit(text)
            nextSegment(index)
        case .opening(let text):
            emit(text)
            frames[index].printed = 0
            nextSegment(index)
        case .values(let values):
            guard frame.item < values.count else { return nextSegment(index) }
            separate(index)
            frames[index].item += 1
            emitValue(values[frame.item])
        case .pairs(let pairs, let keywords):
            guard frame.item < pairs.count else { return nextSegment(index) }
            let pair = pairs[frame.item]
            if !frame.keyDone {
                separate(index)
                frames[index].keyDone = true
                if keywords, case .string(let name) = pair.key { emit(name) } else { emitValue(pair.key) }
            } else {
                emit(keywords ? "=" : ": ")
                frames[index].keyDone = false
                frames[index].item += 1
                emitValue(pair.value)
            }
        case .group(let segments):
            separate(index)
            nextSegment(index)
            frames.append(Frame(object: nil, segments: segments))
        case .labeled(let label, let value):
            separate(index)
            nextSegment(index)
            emit(label)
            emitValue(value)
        case .bytes(let bytes):
            emit(Self.bytesRepr(bytes, budget: limit - used))
            nextSegment(index)
        }
    }

    mutating func nextSegment(_ index: Int) {
        frames[index].segment += 1
        frames[index].item = 0
    }

    mutating func separate(_ index: Int) {
        if frames[index].printed > 0 { emit(", ") }
        frames[index].printed += 1
    }

    /// Prints a scalar, or opens a frame for an object.
    mutating func emitValue(_ value: PickleValue) {
        switch value {
        case .none: emit("None")
        case .bool(let flag): emit(flag ? "True" : "False")
        case .int(let number): emit(String(number))
        case .bigInt(let bytes): emit(PickleInteger.decimalString(bytes) ?? "<int of \(bytes.count) bytes>")
        case .float(let number): emit(Self.floatRepr(number))
        case .string(let string): emit(Self.stringRepr(string, budget: limit - used))
        case .bytes(let bytes): emit(Self.bytesRepr(bytes, budget: limit - used))
        case .object(let id):
            guard heap.objects.indices.contains(id.index) else { return emit("<?>") }
            open(id.index)
        }
    }

    mutating func open(_ index: Int) {
        let object = heap.objects[index]
        if case .global(let name) = object { return emit(name.description) }
        if frames.count >= Self.maxDepth { return emit("...") }
        if onPath.contains(index) {
            switch object {
            case .list: return emit("[...]")
            case .dict, .set: return emit("{...}")
            case .tuple: return emit("(...)")
            default: return emit("...")
            }
        }
        let segments: [Segment]
        switch object {
        case .tuple(let items):
            segments = [.text("("), .values(items), .text(items.count == 1 ? ",)" : ")")]
        case .list(let items):
            segments = [.text("["), .values(items), .text("]")]
        case .dict(let pairs):
            segments = [.text("{"), .pairs(pairs, keywords: false), .text("}")]
        case .set(let items):
            segments = items.isEmpty ? [.text("set()")] : [.text("{"), .values(items), .text("}")]
        case .frozenSet(let items):
            segments =
                items.isEmpty ? [.text("frozenset()")] : [.text("frozenset({"), .values(items), .text("})")]
        case .persistent(let id):
            segments = [.text("persistent_id("), .values([id]), .text(")")]
        case .instance(let instance):
            if let custom = customize?(instance) {
                segments = custom.parts.map(Self.segment)
                break
            }
            // An opaque call is shown as Python writes it: the value called, then its other arguments.
            let opaque = instance.callee == .opaqueCall && !instance.arguments.isEmpty
            var parts: [Segment] =
                opaque
                ? [.values(Array(instance.arguments.prefix(1))), .opening("("), .values(Array(instance.arguments.dropFirst()))]
                : [.text(instance.callee.description + "("), .values(instance.arguments)]
            parts.append(.pairs(instance.keywordArguments, keywords: true))
            if !instance.listItems.isEmpty { parts.append(.group([.text("["), .values(instance.listItems), .text("]")])) }
            if !instance.dictItems.isEmpty {
                parts.append(.group([.text("{"), .pairs(instance.dictItems, keywords: false), .text("}")]))
            }
            if let state = instance.state {
                // A dict state is the object's attributes: print them as keywords, as argparse.Namespace does.
                if case .object(let id) = state, case .dict(let pairs) = heap.objects[id.index] {
                    parts.append(.pairs(pairs, keywords: true))
                } else {
                    parts.append(.labeled("state=", state))
                }
            }
            parts.append(.text(")"))
            segments = parts
        case .global(let name):
            return emit(name.description)
        }
        onPath.insert(index)
        frames.append(Frame(object: index, segments: segments))
    }

    static func segment(_ part: InstanceRendering.Part) -> Segment {
        switch part {
        case .text(let text): .text(text)
        case .values(let values): .values(values)
        case .pairs(let pairs, let keywords): .pairs(pairs, keywords: keywords)
        case .bytes(let bytes): .bytes(bytes)
        }
    }
}
