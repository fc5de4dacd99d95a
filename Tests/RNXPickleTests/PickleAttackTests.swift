import RNXPickle
import Testing

/// Inputs built to exhaust memory, time or the call stack: each must end quickly, in a small result or one error.
@Suite struct PickleAttackTests {
    /// "Billion laughs": 40 rounds of `GET 0; GET 0; TUPLE2; PUT 0` describe a tree of 2^40 leaves, but shared
    /// objects are one heap entry each, so the heap holds 41 objects and rendering stops at its budget.
    @Test func billionLaughsStaysSmall() throws {
        var bytes: [UInt8] = [0x80, 0x02, 0x29, 0x71, 0x00]  // PROTO 2 | EMPTY_TUPLE | BINPUT 0
        for _ in 0..<40 { bytes += [0x68, 0x00, 0x68, 0x00, 0x86, 0x71, 0x00] }  // BINGET 0 ×2 | TUPLE2 | BINPUT 0
        bytes += [0x68, 0x00, 0x2E]  // BINGET 0 | STOP
        let result = try Unpickler(policy: .allow([])).run(bytes)
        #expect(result.heap.count == 41)
        let text = result.heap.render(result.root, limit: 200)
        #expect(text.count == 203 && text.hasPrefix("((((") && text.hasSuffix("..."))
        // A walk visits each of the 41 objects once: 40 levels of pairs above the empty tuple.
        #expect(result.heap.reachableObjects(from: result.root).count == 41)
        #expect(result.heap.reachableObjects(from: result.root, maxDepth: 3).count == 4)
    }

    @Test func billionLaughsWithListsStaysSmall() throws {
        var bytes: [UInt8] = [0x5D, 0x71, 0x00]  // EMPTY_LIST | BINPUT 0
        // MARK | BINGET 0 ×2 | LIST | BINPUT 0
        for _ in 0..<40 { bytes += [0x28, 0x68, 0x00, 0x68, 0x00, 0x6C, 0x71, 0x00] }
        bytes += [0x2E]
        let result = try Unpickler(policy: .allow([])).run(bytes)
        #expect(result.heap.count == 41)
        #expect(result.heap.render(result.root, limit: 50).count == 53)
    }

    /// A million MARKs hit the depth limit at the first one past it.
    @Test func millionMarksHitTheDepthLimit() {
        let bytes = [UInt8](repeating: 0x28, count: 1_000_000)
        expectError(bytes, .depthLimitExceeded(limit: 1000, offset: 1000))
    }

    /// A million nested lists (EMPTY_LIST ×10^6, then APPEND ×10^6) are refused when the 1001st empty list is pushed
    /// (byte 1000), not after a million lists were built.
    @Test func millionNestedListsHitTheDepthLimit() {
        let bytes = [UInt8](repeating: 0x5D, count: 1_000_000) + [UInt8](repeating: 0x61, count: 999_999) + [0x2E]
        expectError(bytes, .depthLimitExceeded(limit: 1000, offset: 1000))
    }

    /// A million dicts nested through SETITEM (`EMPTY_DICT 'k'` ×10^6, NONE, SETITEM ×10^6), as in the corpus's
    /// dict_depth_1e6_entry.pth, are refused when the 1001st empty dict is pushed: units are 4 bytes (7D, then
    /// 8C 01 6B for the key), so it sits at byte 4 × 1000.
    @Test func millionNestedDictsAreRefusedWhenPushed() {
        let unit: [UInt8] = [0x7D, 0x8C, 0x01, 0x6B]
        let bytes =
            Array([[UInt8]](repeating: unit, count: 1_000_000).joined()) + [0x4E]
            + [UInt8](repeating: 0x73, count: 1_000_000) + [0x2E]
        expectError(bytes, .depthLimitExceeded(limit: 1000, offset: 4000))
        // A thousand units load: dicts nested 1000 deep, the innermost holding None.
        let small =
            Array([[UInt8]](repeating: unit, count: 1000).joined()) + [0x4E]
            + [UInt8](repeating: 0x73, count: 1000) + [0x2E]
        #expect(throws: Never.self) { try Unpickler(policy: .allow([])).run(small) }
    }

    /// With the depth limit lifted, 10^5 nested lists are built, rendered and freed without recursion (a recursive
    /// walk or deinit would overflow the stack well before that; 10^5 keeps the debug-build test fast).
    @Test func millionNestedListsWithoutLimitDoNotRecurse() throws {
        var limits = PickleLimits.standard
        limits.maxDepth = .max
        let lists = [UInt8](repeating: 0x5D, count: 100_000) + [UInt8](repeating: 0x61, count: 99_999) + [0x2E]
        let result = try Unpickler(policy: .allow([]), limits: limits).run(lists)
        #expect(result.heap.count == 100_000)
        // The renderer stops at 64 levels.
        #expect(result.heap.render(result.root, limit: 1000) == String(repeating: "[", count: 64) + "..." + String(repeating: "]", count: 64))
        // MARK ×10^5 then LIST ×10^5: the same nesting through marks.
        let marks = [UInt8](repeating: 0x28, count: 100_000) + [UInt8](repeating: 0x6C, count: 100_000) + [0x2E]
        let nested = try Unpickler(policy: .allow([]), limits: limits).run(marks)
        #expect(nested.heap.count == 100_000)
    }

    /// LONG_BINPUT 0xFFFFFFFF is refused by the default limit, and with the limit lifted costs one memo entry.
    @Test func hugeMemoIndexAllocatesNothing() throws {
        // 4E: NONE | 72 FF FF FF FF: LONG_BINPUT 0xFFFFFFFF | 30: POP | 6A FF FF FF FF: LONG_BINGET 0xFFFFFFFF | 2E
        let bytes: [UInt8] = [0x4E, 0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0x30, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E]
        expectError(bytes, .memoIndexOverLimit(index: 0xFFFF_FFFF, limit: PickleLimits.standard.maxMemoEntries, offset: 1))
        var limits = PickleLimits.standard
        limits.maxMemoEntries = .max
        let result = try Unpickler(policy: .allow([]), limits: limits).run(bytes)
        #expect(result.root == .none)
    }

    /// Declared lengths far past the data are refused before anything is allocated.
    @Test(arguments: [
        ([0x58, 0xFF, 0xFF, 0xFF, 0xFF], "BINUNICODE"),  // 4 GiB string
        ([0x42, 0xFF, 0xFF, 0xFF, 0xFF], "BINBYTES"),
        ([0x8D, 0, 0, 0, 0, 0, 1, 0, 0], "BINUNICODE8"),  // 2^48 bytes
        ([0x8E, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "BINBYTES8"),  // Int.max bytes
        ([0x96, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "BYTEARRAY8"),
        ([0x8B, 0xFF, 0xFF, 0xFF, 0x7F], "LONG4"),  // a 2 GiB integer
        ([0x54, 0xFF, 0xFF, 0xFF, 0x7F], "BINSTRING"),
        ([0x95, 0, 0, 0, 0, 0, 0, 0, 0x40], "FRAME"),  // a 2^62-byte frame
    ] as [([UInt8], String)])
    func hugeDeclaredLengths(_ header: [UInt8], _ opcode: String) {
        expectError(header + [0x4E, 0x2E], .truncated(opcode: opcode, offset: 0))
    }

    /// A list holding itself, through the memo: the heap refers by index, and render prints Python's `[[...]]`.
    @Test func cyclesThroughTheMemo() throws {
        // 5D: EMPTY_LIST | 71 00: BINPUT 0 | 68 00: BINGET 0 | 61: APPEND | 2E: STOP
        let result = try Unpickler(policy: .allow([])).run([0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E])
        #expect(result.heap.list(result.root) == [result.root])
        #expect(result.heap.render(result.root) == "[[...]]")
        #expect(result.heap.reachableObjects(from: result.root) == [ObjectID(index: 0)])
    }

    /// Appending to one list many times costs linear time (the list is never copied per APPEND).
    @Test func manyAppendsStayLinear() throws {
        // 5D: EMPTY_LIST | (4E NONE, 61 APPEND) × 100000 | 2E
        var bytes: [UInt8] = [0x5D]
        for _ in 0..<100_000 { bytes += [0x4E, 0x61] }
        bytes.append(0x2E)
        let result = try Unpickler(policy: .allow([])).run(bytes)
        #expect(result.heap.list(result.root)?.count == 100_000)
    }

    /// Deep DUP runs cost one stack slot per input byte.
    @Test func dupRunIsBoundedByInput() throws {
        // 4E: NONE | 32 × 100000: DUP | 30 × 100000: POP | 2E
        let bytes: [UInt8] = [0x4E] + [UInt8](repeating: 0x32, count: 100_000) + [UInt8](repeating: 0x30, count: 100_000) + [0x2E]
        #expect(try Unpickler(policy: .allow([])).run(bytes).root == .none)
    }

    /// A decimal LONG longer than CPython accepts (4300 digits) is refused instead of converted quadratically.
    @Test func overlongDecimalIntegerIsRefused() throws {
        expectError(ascii("L" + String(repeating: "9", count: 4301) + "\n."), .invalidLiteral(opcode: "LONG", offset: 0))
        let accepted = try Unpickler(policy: .allow([])).run(ascii("L" + String(repeating: "9", count: 4300) + "\n."))
        guard case .bigInt(let bytes) = accepted.root else { Issue.record("not a big int"); return }
        #expect(PickleInteger.decimalString(bytes) == String(repeating: "9", count: 4300))
    }

    /// One long string used as a key thousands of times through the memo: keys that long are not hashed, so each
    /// SETITEM costs constant time instead of the string's length.
    @Test func longKeysAreNotRehashed() throws {
        // 58 + length 200000 + "k"...: BINUNICODE | 71 00: BINPUT 0 | 30: POP | 7D: EMPTY_DICT
        // | (68 00 68 00 73: BINGET 0, BINGET 0, SETITEM) × 20000 | 2E
        var bytes: [UInt8] = [0x58, 0x40, 0x0D, 0x03, 0x00] + [UInt8](repeating: 0x6B, count: 200_000) + [0x71, 0x00, 0x30, 0x7D]
        for _ in 0..<20_000 { bytes += [0x68, 0x00, 0x68, 0x00, 0x73] }
        bytes.append(0x2E)
        let result = try Unpickler(policy: .allow([])).run(bytes)
        #expect(result.heap.dict(result.root)?.count == 20_000)
        // Rendering stays within its budget even with a huge limit on a huge value.
        #expect(result.heap.render(result.root, limit: 10_000).count == 10_003)
    }
}
