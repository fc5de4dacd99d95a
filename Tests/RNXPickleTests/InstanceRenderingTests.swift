import RNXPickle
import Testing

/// `PickleHeap.render(_:limit:instance:)`: a caller prints recorded calls its own way, inside the same guards.
///
/// The expected texts follow from the closures below and from Python's repr of the plain values in them
/// (`repr('a') == "'a'"`, `repr(0.1) == '0.1'`, `repr(b'hi') == "b'hi'"`).
@Suite struct InstanceRenderingTests {
    static let names: Set<GlobalName> = [
        GlobalName(module: "m", name: "Box"), GlobalName(module: "m", name: "Raw"),
        GlobalName(module: "m", name: "Plain"), GlobalName(module: "m", name: "Dict"),
    ]

    /// Prints `m.Box` as `Box(arguments, state as keywords)`, `m.Raw` as the bytes of its string argument, `m.Dict`
    /// as `Dict({items})`, and leaves everything else to the default.
    func custom(_ heap: PickleHeap) -> (PickleInstance) -> InstanceRendering? {
        { instance in
            switch instance.callee.name {
            case "Box":
                var keywords: [(key: PickleValue, value: PickleValue)] = []
                if case .object(let id)? = instance.state, case .dict(let pairs) = heap[id] { keywords = pairs }
                return .call("Box", arguments: instance.arguments, keywords: keywords)
            case "Raw":
                guard case .string(let text)? = instance.arguments.first else { return nil }
                return .bytes(Array(text.utf8))
            case "Dict":
                return InstanceRendering([.text("Dict({"), .pairs(instance.dictItems, keywords: false), .text("})")])
            default:
                return nil
            }
        }
    }

    func run(_ text: String) throws -> PickleResult {
        try Unpickler(policy: .allow(Self.names)).run(Array(text.utf8))
    }

    @Test func callerChoosesTheTextOfACall() throws {
        // Protocol 0: ( m.Box(1, 'a') BUILD {'lr': 0.1} , m.Raw('hi') , m.Plain(2) , m.Dict() SETITEM 'k' 3 ) TUPLE
        let result = try run(
            "(cm\nBox\n(I1\nVa\ntR(Vlr\nF0.1\ndb" + "cm\nRaw\n(Vhi\ntR" + "cm\nPlain\n(I2\ntR"
                + "cm\nDict\n)RVk\nI3\ns" + "t.")
        let heap = result.heap
        #expect(
            heap.render(result.root, instance: custom(heap)) == "(Box(1, 'a', lr=0.1), b'hi', m.Plain(2), Dict({'k': 3}))")
        // Without the closure every call prints in the default form.
        #expect(heap.render(result.root) == "(m.Box(1, 'a', lr=0.1), m.Raw('hi'), m.Plain(2), m.Dict({'k': 3}))")
        // A closure that declines everything is the default form.
        #expect(heap.render(result.root, instance: { _ in nil }) == heap.render(result.root))
    }

    @Test func customTextKeepsTheLimit() throws {
        let result = try run("(cm\nBox\n(I1\nVa\ntR(Vlr\nF0.1\ndbcm\nRaw\n(Vhello\ntRt.")
        let heap = result.heap
        // The first 12 characters of "(Box(1, 'a', lr=0.1), b'hello')", then "...".
        #expect(heap.render(result.root, limit: 12, instance: custom(heap)) == "(Box(1, 'a',...")
        // A custom bytes literal is cut like any bytes value: 26 characters of "(Box(1, 'a', lr=0.1), b'hello')".
        #expect(heap.render(result.root, limit: 26, instance: custom(heap)) == "(Box(1, 'a', lr=0.1), b'he...")
    }

    @Test func customTextKeepsTheCycleGuard() throws {
        // p0 / g0: the Box's state holds the Box itself, as Python prints a recursive object: `...`.
        let result = try run("cm\nBox\n)Rp0\n(Vme\ng0\ndb.")
        let heap = result.heap
        #expect(heap.render(result.root, instance: custom(heap)) == "Box(me=...)")
    }
}
