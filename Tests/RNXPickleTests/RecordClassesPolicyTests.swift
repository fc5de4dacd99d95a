import RNXPickle
import Testing

/// `GlobalPolicy.recordClasses`: names outside the allowlist are recorded, never imported, and may only be
/// instantiated by a bare NEWOBJ; every other call of one is refused at the offset of the opcode that named it.
/// The pickles are written out by hand, opcode by opcode, with their offsets in the comments.
struct RecordClassesPolicyTests {
    static let policy = GlobalPolicy.recordClasses([GlobalName(module: "collections", name: "OrderedDict")])

    static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)  // GLOBAL
    }

    /// `cls.__new__(cls)` then BUILD, as pickle writes an nn.Module: recorded as an instance of the name.
    @Test func bareNewObjOfAClassIsRecorded() throws {
        // 0: PROTO 2 | 2: GLOBAL 'torch.nn Linear' | EMPTY_TUPLE | NEWOBJ | EMPTY_DICT | BUILD | STOP
        let bytes: [UInt8] = [0x80, 0x02] + Self.global("torch.nn", "Linear") + [0x29, 0x81, 0x7D, 0x62, 0x2E]
        let result = try Unpickler(policy: Self.policy).run(bytes)
        let instance = try #require(result.heap.instance(result.root))
        #expect(instance.callee == GlobalName(module: "torch.nn", name: "Linear"))
        #expect(instance.arguments.isEmpty && instance.state != nil)
        #expect(result.globals == [GlobalReference(global: GlobalName(module: "torch.nn", name: "Linear"), offset: 2)])
    }

    @Test func reduceOfARecordedNameIsRefusedAtItsGlobal() {
        // 0: PROTO 2 | 2: GLOBAL 'os system' (12 bytes) | 13: SHORT_BINUNICODE 'ls' | TUPLE1 | REDUCE | STOP
        let bytes: [UInt8] = [0x80, 0x02] + Self.global("os", "system") + [0x8C, 0x02, 0x6C, 0x73, 0x85, 0x52, 0x2E]
        #expect(throws: PickleError.disallowedGlobal(module: "os", name: "system", offset: 2)) {
            try Unpickler(policy: Self.policy).run(bytes)
        }
    }

    @Test func newObjWithArgumentsIsRefused() {
        // 0: PROTO 2 | 2: GLOBAL 'subprocess Popen' | SHORT_BINUNICODE 'ls' | TUPLE1 | NEWOBJ | STOP
        let bytes: [UInt8] = [0x80, 0x02] + Self.global("subprocess", "Popen") + [0x8C, 0x02, 0x6C, 0x73, 0x85, 0x81, 0x2E]
        #expect(throws: PickleError.disallowedGlobal(module: "subprocess", name: "Popen", offset: 2)) {
            try Unpickler(policy: Self.policy).run(bytes)
        }
    }

    @Test func instAndObjAreRefused() {
        // 0: MARK | 1: INST 'os system' | STOP
        let inst: [UInt8] = [0x28, 0x69] + Array("os\nsystem\n".utf8) + [0x2E]
        #expect(throws: PickleError.disallowedGlobal(module: "os", name: "system", offset: 1)) {
            try Unpickler(policy: Self.policy).run(inst)
        }
        // 0: MARK | 1: GLOBAL 'builtins exec' | OBJ | STOP
        let obj: [UInt8] = [0x28] + Self.global("builtins", "exec") + [0x6F, 0x2E]
        #expect(throws: PickleError.disallowedGlobal(module: "builtins", name: "exec", offset: 1)) {
            try Unpickler(policy: Self.policy).run(obj)
        }
    }

    /// An allowed global is called as before; `.allow` still refuses the name itself at once.
    @Test func allowedCallsAndTheStrictPolicy() throws {
        // 0: PROTO 2 | 2: GLOBAL 'collections OrderedDict' | EMPTY_TUPLE | REDUCE | STOP
        let bytes: [UInt8] = [0x80, 0x02] + Self.global("collections", "OrderedDict") + [0x29, 0x52, 0x2E]
        #expect(try Unpickler(policy: Self.policy).run(bytes).heap.instance(
            try Unpickler(policy: Self.policy).run(bytes).root)?.callee.name == "OrderedDict")
        let module: [UInt8] = [0x80, 0x02] + Self.global("torch.nn", "Linear") + [0x29, 0x81, 0x2E]
        #expect(throws: PickleError.disallowedGlobal(module: "torch.nn", name: "Linear", offset: 2)) {
            try Unpickler(policy: .allow([])).run(module)
        }
    }
}
