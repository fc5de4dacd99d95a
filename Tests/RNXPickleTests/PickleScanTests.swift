import RNXPickle
import Testing

/// `Unpickler.scan`: every naming and use of a global, located, without building or calling, and partial results
/// when a pickle breaks. Offsets are counted by hand from the opcodes written out here.
struct PickleScanTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static let system = GlobalName(module: "os", name: "system")

    /// `0: c GLOBAL 'os system'`, `11: ( MARK`, `12: S 'true'`, `20: t TUPLE`, `21: R REDUCE`, `22: .`
    @Test func globalAndItsCall() {
        let scan = Unpickler(policy: .scanOnly).scan(Self.bytes("cos\nsystem\n(S'true'\ntR."))
        #expect(scan.references == [PickleScan.Reference(global: Self.system, offset: 0, opcode: "GLOBAL"),
                                    PickleScan.Reference(global: Self.system, offset: 21, opcode: "REDUCE")])
        #expect(scan.end == 23 && scan.error == nil)
    }

    /// A pickle that breaks after its call keeps the references (Python would have called os.system already).
    @Test func brokenPickleKeepsWhatCameBefore() {
        let scan = Unpickler(policy: .scanOnly).scan(Self.bytes("cos\nsystem\n(S'true'\ntR") + [0xFF])
        #expect(scan.references.map(\.opcode) == ["GLOBAL", "REDUCE"])
        #expect(scan.end == nil)
        #expect(scan.error == .unknownOpcode(byte: 0xFF, offset: 22))
    }

    /// Each use is recorded once per opcode: two REDUCEs of the same global give one REDUCE reference.
    /// `0: c`, `11: q BINPUT 0`, `13: ) EMPTY_TUPLE`, `14: R`, `15: 0 POP`, `16: h BINGET 0`, `18: )`, `19: R`, `20: .`
    @Test func usesAreRecordedOncePerOpcode() {
        let scan = Unpickler(policy: .scanOnly).scan(Self.bytes("cos\nsystem\nq\u{0})R0h\u{0})R."))
        #expect(scan.references == [PickleScan.Reference(global: Self.system, offset: 0, opcode: "GLOBAL"),
                                    PickleScan.Reference(global: Self.system, offset: 14, opcode: "REDUCE")])
    }

    /// STACK_GLOBAL on a value the pickle computes is a computed name, not a parse error.
    @Test func computedStackGlobal() {
        // 0: PROTO 4, 2: ) EMPTY_TUPLE (the "module"), 3: SHORT_BINUNICODE 'system', 11: STACK_GLOBAL, 12: STOP
        let scan = Unpickler(policy: .scanOnly).scan([0x80, 0x04, 0x29, 0x8C, 0x06] + Self.bytes("system") + [0x93, 0x2E])
        #expect(scan.references == [PickleScan.Reference(
            global: GlobalName(module: PickleScan.computed, name: "system"), offset: 11, opcode: "STACK_GLOBAL")])
        #expect(scan.error == nil)
        // The loading policies still refuse it.
        #expect(throws: PickleError.self) { try Unpickler(policy: .allow([])).run([0x80, 0x04, 0x29, 0x8C, 0x01, 0x78, 0x93, 0x2E]) }
    }

    /// SETITEM and BUILD on a global change it (os.environ[...] = ...): recorded as uses, and the scan goes on.
    @Test func changesOfAGlobal() {
        let environ = GlobalName(module: "os", name: "environ")
        let scan = Unpickler(policy: .scanOnly).scan(Self.bytes("cos\nenviron\nS'A'\nS'B'\ns}b."))
        #expect(scan.references == [PickleScan.Reference(global: environ, offset: 0, opcode: "GLOBAL"),
                                    PickleScan.Reference(global: environ, offset: 22, opcode: "SETITEM"),
                                    PickleScan.Reference(global: environ, offset: 24, opcode: "BUILD")])
        #expect(scan.error == nil)
    }

    /// A billion laughs is measured against the unfolding limit, never expanded.
    @Test func billionLaughsIsCounted() {
        var pickle: [UInt8] = [0x80, 0x04, 0x5D, 0x94]
        for index in 0..<40 { pickle += [0x68, UInt8(index), 0x68, UInt8(index), 0x86, 0x94] }
        let scan = Unpickler(policy: .scanOnly).scan(pickle + [0x2E])
        #expect(scan.unfolding == .exceeds(limit: PickleLimits.standard.maxUnfoldedObjects))
    }
}
