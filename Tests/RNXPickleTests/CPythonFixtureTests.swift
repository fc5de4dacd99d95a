import Foundation
import RNXPickle
import RNXTestSupport
import Testing

/// The machine against pickles CPython's `pickle` module wrote at protocols 0 to 5
/// (`scripts/fixtures/gen_pickles.py`), compared with what Python says each value is.
@Suite struct CPythonFixtureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let protocolVersion: Int
        let file: String
        let length: Int
        let globals: [GlobalReference]
        /// The tagged JSON value, re-encoded so the case stays Sendable.
        let value: Data
        let repr: String?
        var testDescription: String { file }
    }

    static let cases: [Case] = {
        guard let data = try? Fixtures.data("pickles/cases.json"),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = root["cases"] as? [[String: Any]]
        else { return [] }
        var cases: [Case] = []
        for entry in entries {
            guard let name = entry["name"] as? String, let files = entry["files"] as? [[String: Any]],
                let value = entry["value"], let encoded = try? JSONSerialization.data(withJSONObject: value)
            else { continue }
            for file in files {
                let globals = (file["globals"] as? [[String: Any]] ?? []).compactMap { global -> GlobalReference? in
                    guard let full = global["name"] as? String, let offset = global["offset"] as? Int,
                        let dot = full.lastIndex(of: ".")
                    else { return nil }
                    let name = GlobalName(module: String(full[..<dot]), name: String(full[full.index(after: dot)...]))
                    return GlobalReference(global: name, offset: offset)
                }
                cases.append(
                    Case(
                        name: name, protocolVersion: file["protocol"] as? Int ?? -1, file: file["file"] as? String ?? "",
                        length: file["length"] as? Int ?? -1, globals: globals, value: encoded,
                        repr: entry["repr"] as? String))
            }
        }
        return cases
    }()

    /// Protocols 2 and 3 pickle a `__getnewargs_ex__` object as `functools.partial(getattr(cls, '__new__'), ...)()`:
    /// a call of what a call returned, which the machine refuses under `.allow` (it is how pickle exploits chain
    /// calls) and records as an opaque call under `.scanOnly`.
    static func isRefusedChain(_ fixture: Case) -> Bool {
        fixture.name == "newobj_ex" && (2...3).contains(fixture.protocolVersion)
    }

    @Test func everyProtocolIsCovered() {
        // 19 values × protocols 0...5, as the generator writes them.
        #expect(Self.cases.count == 114)
        #expect(Set(Self.cases.map(\.protocolVersion)) == Set(0...5))
    }

    @Test(arguments: cases.filter { !isRefusedChain($0) })
    func valueMatchesPython(_ fixture: Case) throws {
        let bytes = [UInt8](try Fixtures.data("pickles/" + fixture.file))
        let result = try Unpickler(policy: .scanOnly).run(bytes)
        #expect(result.endOffset == fixture.length)
        #expect(result.proto == (fixture.protocolVersion >= 2 ? fixture.protocolVersion : 0))
        #expect(result.globals == fixture.globals)
        let expected = try JSONSerialization.jsonObject(with: fixture.value, options: [.fragmentsAllowed])
        var comparator = TaggedValueComparator(heap: result.heap, protocolVersion: fixture.protocolVersion)
        let mismatch = comparator.mismatch(expected, result.root, path: "value")
        #expect(mismatch == nil, "\(fixture.file): \(mismatch ?? "")")
    }

    /// Even with every global it names allowed, the chain is refused at its final call; `.scanOnly` records that
    /// call as an opaque one and lists every global CPython's pickler wrote.
    @Test(arguments: cases.filter(isRefusedChain))
    func callChainIsRefused(_ fixture: Case) throws {
        let bytes = [UInt8](try Fixtures.data("pickles/" + fixture.file))
        // The final call is the REDUCE of `)R` (EMPTY_TUPLE, REDUCE), the only such pair in these pickles.
        let pair = try #require((0..<bytes.count - 1).first { bytes[$0] == 0x29 && bytes[$0 + 1] == 0x52 })
        #expect(throws: PickleError.callOfNonGlobal(opcode: "REDUCE", found: "an instance of functools.partial", offset: pair + 1)) {
            try Unpickler(policy: .allow(Set(fixture.globals.map(\.global)))).run(bytes)
        }
        // With the default policy nothing gets that far: functools.partial is refused when pushed.
        #expect(fixture.globals.first?.global.description == "functools.partial")
        let scan = try Unpickler(policy: .scanOnly).run(bytes)
        #expect(scan.globals == fixture.globals)
        #expect(scan.endOffset == fixture.length)
        #expect(scan.heap.instance(scan.root)?.callee == .opaqueCall)
    }

    @Test(arguments: cases.filter { !isRefusedChain($0) })
    func allowlistIsEnforced(_ fixture: Case) throws {
        let bytes = [UInt8](try Fixtures.data("pickles/" + fixture.file))
        let allowed = Set(fixture.globals.map(\.global))
        let result = try Unpickler(policy: .allow(allowed)).run(bytes)
        #expect(result.globals == fixture.globals)
        if let first = fixture.globals.first {
            #expect(throws: PickleError.disallowedGlobal(module: first.global.module, name: first.global.name, offset: first.offset)) {
                try Unpickler(policy: .allow(allowed.subtracting([first.global]))).run(bytes)
            }
        }
    }

    /// `render` prints what Python's `repr` printed, for values whose repr Python defines (protocol 4 and 5 pickle
    /// sets, bytes and frozensets natively, so no recorded call stands in for them).
    @Test(arguments: cases.filter { $0.protocolVersion >= 4 && $0.repr != nil && $0.name != "ordered_dict" && $0.name != "state_dict_metadata" && $0.name != "bytearray" })
    func renderMatchesPythonRepr(_ fixture: Case) throws {
        let bytes = [UInt8](try Fixtures.data("pickles/" + fixture.file))
        let result = try Unpickler(policy: .scanOnly).run(bytes)
        let repr = try #require(fixture.repr)
        #expect(result.heap.render(result.root, limit: 1_000_000) == repr)
    }

    @Test func renderShowsCheckpointEntries() throws {
        // Python's repr of the entries of the "checkpoint" case: 90, 'resnet50', 76.13, {'lr': 0.1, 'momentum': 0.9}.
        let bytes = [UInt8](try Fixtures.data("pickles/checkpoint.p2.pkl"))
        let result = try Unpickler(policy: .allow([])).run(bytes)
        let entries = try #require(result.heap.dict(result.root))
        let rendered = entries.map { (result.heap.string($0.key) ?? "?", result.heap.render($0.value)) }
        #expect(rendered.map(\.0) == ["epoch", "arch", "best_acc1", "optimizer"])
        #expect(rendered.map(\.1) == ["90", "'resnet50'", "76.13", "{'lr': 0.1, 'momentum': 0.9}"])
    }

    @Test func renderShowsRecordedCalls() throws {
        // collections.OrderedDict([('b', 1), ('a', [2, 3])]) is pickled as a call of OrderedDict plus SETITEMS.
        let bytes = [UInt8](try Fixtures.data("pickles/ordered_dict.p2.pkl"))
        let result = try Unpickler(policy: .scanOnly).run(bytes)
        #expect(result.heap.render(result.root) == "collections.OrderedDict({'b': 1, 'a': [2, 3]})")
        // The metadata torch attaches to a state dict arrives by BUILD and prints as an attribute.
        let state = [UInt8](try Fixtures.data("pickles/state_dict_metadata.p4.pkl"))
        let stateResult = try Unpickler(policy: .scanOnly).run(state)
        #expect(
            stateResult.heap.render(stateResult.root, limit: 1000)
                == "collections.OrderedDict({'conv1.weight': 1.5, 'bn1.num_batches_tracked': 7}, "
                + "_metadata=collections.OrderedDict({'': {'version': 1}, 'bn1': {'version': 2}}))")
    }
}
