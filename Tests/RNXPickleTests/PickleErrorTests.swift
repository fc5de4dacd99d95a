import RNXPickle
import Testing

/// The ASCII bytes of `text`, for writing protocol 0 opcodes legibly (`"N"` is NONE, `"."` is STOP, ...).
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs `bytes` and expects exactly `error`.
func expectError(
    _ bytes: [UInt8], _ error: PickleError, policy: GlobalPolicy = .scanOnly, limits: PickleLimits = .standard,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(throws: error, sourceLocation: sourceLocation) { try Unpickler(policy: policy, limits: limits).run(bytes) }
}

/// One test per `PickleError` case, each on handcrafted bytes.
@Suite struct PickleErrorTests {
    @Test func disallowedGlobalByGlobal() {
        // 80 02: PROTO 2 | 63 "os\nsystem\n": GLOBAL os.system at byte 2
        expectError([0x80, 0x02] + ascii("cos\nsystem\n") + ascii(")R."), .disallowedGlobal(module: "os", name: "system", offset: 2), policy: .allow([]))
    }

    @Test func disallowedGlobalByStackGlobal() {
        // 8C 02 "os": SHORT_BINUNICODE | 8C 06 "system": SHORT_BINUNICODE | 93: STACK_GLOBAL at byte 12
        let bytes: [UInt8] = [0x8C, 0x02] + ascii("os") + [0x8C, 0x06] + ascii("system") + [0x93, 0x2E]
        expectError(bytes, .disallowedGlobal(module: "os", name: "system", offset: 12), policy: .allow([]))
    }

    @Test func disallowedGlobalByStackGlobalFromMemo() {
        // The strings come from the memo: "os" MEMOIZE "system" MEMOIZE POP POP (bytes 0-15) | 68 00: BINGET 0
        // | 68 01: BINGET 1 | 93: STACK_GLOBAL at byte 20
        let bytes: [UInt8] =
            [0x8C, 0x02] + ascii("os") + [0x94, 0x8C, 0x06] + ascii("system") + [0x94, 0x30, 0x30, 0x68, 0x00, 0x68, 0x01, 0x93, 0x2E]
        expectError(bytes, .disallowedGlobal(module: "os", name: "system", offset: 20), policy: .allow([]))
    }

    @Test func disallowedGlobalByInst() {
        // 28: MARK | 69 "subprocess\nPopen\n": INST at byte 1
        expectError(ascii("(isubprocess\nPopen\n."), .disallowedGlobal(module: "subprocess", name: "Popen", offset: 1), policy: .allow([]))
    }

    @Test func disallowedGlobalReportsThePythonThreeName() {
        // At protocol 2, __builtin__.eval is what Python 3 imports as builtins.eval (CPython's fix_imports).
        expectError([0x80, 0x02] + ascii("c__builtin__\neval\n."), .disallowedGlobal(module: "builtins", name: "eval", offset: 2), policy: .allow([]))
        // commands.getoutput becomes subprocess.getoutput.
        expectError(ascii("ccommands\ngetoutput\n."), .disallowedGlobal(module: "subprocess", name: "getoutput", offset: 0), policy: .allow([]))
    }

    @Test func unknownOpcode() {
        // FF is no opcode; 99 is the first byte after protocol 5's READONLY_BUFFER (98).
        expectError([0xFF], .unknownOpcode(byte: 0xFF, offset: 0))
        expectError([0x4E, 0x99], .unknownOpcode(byte: 0x99, offset: 1))
    }

    @Test func truncatedFixedArgument() {
        // 4A: BININT wants 4 bytes, has 2.
        expectError([0x4A, 0x01, 0x02], .truncated(opcode: "BININT", offset: 0))
        // 4E: NONE | 47: BINFLOAT wants 8 bytes, has 3.
        expectError([0x4E, 0x47, 0x00, 0x00, 0x00], .truncated(opcode: "BINFLOAT", offset: 1))
    }

    @Test func truncatedDeclaredLength() {
        // 58 FF FF FF FF: BINUNICODE of 4 GiB, followed by 3 bytes; nothing of that size is allocated.
        expectError([0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x61, 0x62, 0x2E], .truncated(opcode: "BINUNICODE", offset: 0))
        // 8E + 8 × FF: BINBYTES8 longer than Int.max.
        expectError([0x8E] + Array(repeating: 0xFF, count: 8), .truncated(opcode: "BINBYTES8", offset: 0))
        // 43 05 "ab": SHORT_BINBYTES of 5 with 2 bytes.
        expectError([0x43, 0x05, 0x61, 0x62], .truncated(opcode: "SHORT_BINBYTES", offset: 0))
        // 95 + 8-byte length 0x100: FRAME longer than the data.
        expectError([0x95, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x4E, 0x2E], .truncated(opcode: "FRAME", offset: 0))
    }

    @Test func truncatedTextLine() {
        // 49 "12": INT without its newline.
        expectError(ascii("I12"), .truncated(opcode: "INT", offset: 0))
        // 63 "os\n" then no second line: GLOBAL.
        expectError(ascii("cos\n"), .truncated(opcode: "GLOBAL", offset: 0))
    }

    @Test func missingStop() {
        expectError([], .missingStop(offset: 0))
        // 4E: NONE, then the data ends.
        expectError([0x4E], .missingStop(offset: 1))
    }

    /// Every opcode that pops, on a stack one value short; the last argument is the opcode's offset.
    @Test(arguments: [
        ([0x30], "POP", 0),  // POP on an empty stack
        ([0x32], "DUP", 0),
        ([0x2E], "STOP", 0),
        ([0x4E, 0x61], "APPEND", 1),  // NONE APPEND: the item but no list
        ([0x4E, 0x62], "BUILD", 1),
        ([0x4E, 0x52], "REDUCE", 1),
        ([0x4E, 0x4E, 0x73], "SETITEM", 2),
        ([0x85], "TUPLE1", 0),
        ([0x4E, 0x86], "TUPLE2", 1),
        ([0x4E, 0x4E, 0x87], "TUPLE3", 2),
        ([0x4E, 0x81], "NEWOBJ", 1),
        ([0x4E, 0x4E, 0x92], "NEWOBJ_EX", 2),
        ([0x4E, 0x93], "STACK_GLOBAL", 1),
        ([0x51], "BINPERSID", 0),
        ([0x71, 0x00], "BINPUT", 0),
        ([0x72, 0x00, 0x00, 0x00, 0x00], "LONG_BINPUT", 0),
        ([0x70, 0x30, 0x0A], "PUT", 0),  // PUT "0\n"
        ([0x94], "MEMOIZE", 0),
        ([0x28, 0x6F], "OBJ", 1),  // MARK OBJ: no class
        ([0x28, 0x65], "APPENDS", 1),  // MARK APPENDS: no list below the mark
        ([0x28, 0x75], "SETITEMS", 1),
        ([0x28, 0x90], "ADDITEMS", 1),
        ([0x5D, 0x28, 0x61], "APPEND", 2),  // EMPTY_LIST MARK NONE-less APPEND: the list is below the mark
        ([0x5D, 0x28, 0x32], "DUP", 2),  // DUP cannot reach below a MARK either
    ] as [([UInt8], String, Int)])
    func stackUnderflow(_ bytes: [UInt8], _ opcode: String, _ offset: Int) {
        expectError(bytes, .stackUnderflow(opcode: opcode, offset: offset))
    }

    /// Every opcode that needs a MARK, without one (after a NONE, so the stack is not empty).
    @Test(arguments: [
        (0x74, "TUPLE"), (0x6C, "LIST"), (0x64, "DICT"), (0x65, "APPENDS"), (0x75, "SETITEMS"), (0x90, "ADDITEMS"),
        (0x91, "FROZENSET"), (0x6F, "OBJ"), (0x31, "POP_MARK"),
    ] as [(UInt8, String)])
    func missingMark(_ byte: UInt8, _ opcode: String) {
        // 5D: EMPTY_LIST | the opcode at byte 1
        expectError([0x5D, byte, 0x2E], .missingMark(opcode: opcode, offset: 1))
    }

    @Test func missingMarkForInst() {
        // 69 "a\nb\n": INST without a MARK.
        expectError(ascii("ia\nb\n."), .missingMark(opcode: "INST", offset: 0))
    }

    @Test func unclosedMark() {
        // 4E: NONE | 28: MARK at byte 1 | 4E: NONE | 2E: STOP at byte 3
        expectError([0x4E, 0x28, 0x4E, 0x2E], .unclosedMark(markOffset: 1, offset: 3))
    }

    @Test func missingMemo() {
        // 68 05: BINGET 5 from an empty memo.
        expectError([0x68, 0x05, 0x2E], .missingMemo(index: 5, offset: 0))
        // 4E 71 00: NONE BINPUT 0 | 6A 01 00 00 00: LONG_BINGET 1
        expectError([0x4E, 0x71, 0x00, 0x6A, 0x01, 0x00, 0x00, 0x00, 0x2E], .missingMemo(index: 1, offset: 3))
        // 67 "7\n": GET 7
        expectError(ascii("g7\n."), .missingMemo(index: 7, offset: 0))
    }

    @Test func memoIndexOverLimit() {
        // 4E: NONE | 72 FF FF FF FF: LONG_BINPUT 4294967295
        expectError(
            [0x4E, 0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E],
            .memoIndexOverLimit(index: 0xFFFF_FFFF, limit: PickleLimits.standard.maxMemoEntries, offset: 1))
        // 4E: NONE | 70 "99999999999\n": PUT far over the limit
        expectError(
            ascii("Np99999999999\n."),
            .memoIndexOverLimit(index: 99_999_999_999, limit: PickleLimits.standard.maxMemoEntries, offset: 1))
    }

    @Test func invalidUTF8() {
        // 58 02 00 00 00 C3 28: BINUNICODE whose 2 bytes are an invalid UTF-8 sequence.
        expectError([0x58, 0x02, 0x00, 0x00, 0x00, 0xC3, 0x28, 0x2E], .invalidUTF8(opcode: "BINUNICODE", offset: 0))
        // 8C 01 FF: SHORT_BINUNICODE of a lone FF byte.
        expectError([0x8C, 0x01, 0xFF, 0x2E], .invalidUTF8(opcode: "SHORT_BINUNICODE", offset: 0))
        // 63 "o" FE "\nsystem\n": GLOBAL with an invalid module name.
        expectError([0x63, 0x6F, 0xFE, 0x0A] + ascii("system\n."), .invalidUTF8(opcode: "GLOBAL", offset: 0))
        // 58 03 00 00 00 ED A0 80: a UTF-8 encoded surrogate, which Python writes only with surrogatepass.
        expectError([0x58, 0x03, 0x00, 0x00, 0x00, 0xED, 0xA0, 0x80, 0x2E], .invalidUTF8(opcode: "BINUNICODE", offset: 0))
    }

    @Test(arguments: [
        ("Iabc\n.", "INT"), ("I010\n.", "INT"), ("I\n.", "INT"), ("L12x\n.", "LONG"), ("F1.2.3\n.", "FLOAT"),
        ("F1e500\n.", "FLOAT"), ("Sabc\n.", "STRING"), ("S'abc\"\n.", "STRING"), ("S'ab\\x4'\n.", "STRING"),
        ("S'ab\\'\n.", "STRING"), ("Vbad\\u12\n.", "UNICODE"), ("V\\U00110000\n.", "UNICODE"), ("V\\ud800\n.", "UNICODE"),
        ("g-1\n.", "GET"), ("Np1x\n.", "PUT"), ("P\u{e9}\n.", "PERSID"),
    ])
    func invalidLiteral(_ text: String, _ opcode: String) {
        let offset = opcode == "PUT" ? 1 : 0
        expectError(ascii(text), .invalidLiteral(opcode: opcode, offset: offset))
    }

    @Test func negativeLength() {
        // 54 FF FF FF FF: BINSTRING of length -1.
        expectError([0x54, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], .negativeLength(opcode: "BINSTRING", length: -1, offset: 0))
        // 8B 00 00 00 80: LONG4 of length -2147483648.
        expectError([0x8B, 0x00, 0x00, 0x00, 0x80, 0x2E], .negativeLength(opcode: "LONG4", length: -2_147_483_648, offset: 0))
    }

    @Test func depthLimitByMarks() {
        var limits = PickleLimits.standard
        limits.maxDepth = 3
        // 28 28 28: three MARKs are fine; the fourth at byte 3 is one too many.
        expectError([0x28, 0x28, 0x28, 0x28], .depthLimitExceeded(limit: 3, offset: 3), limits: limits)
    }

    @Test func depthLimitByNestedContainers() {
        var limits = PickleLimits.standard
        limits.maxDepth = 3
        // 5D 5D 5D: three empty lists | 61: APPEND (depth 2) | 61: APPEND at byte 4 (depth 3) | 85: TUPLE1 at byte 5 (4)
        expectError([0x5D, 0x5D, 0x5D, 0x61, 0x61, 0x85, 0x2E], .depthLimitExceeded(limit: 3, offset: 5), limits: limits)
    }

    /// Empty containers waiting on the stack count as levels when pushed: each could still be nested into the one
    /// below it, so the fourth is refused at once instead of after the pickle has pushed all of them.
    @Test func depthLimitByOpenContainers() {
        var limits = PickleLimits.standard
        limits.maxDepth = 3
        // 5D ×4: the fourth EMPTY_LIST, at byte 3, would be the fourth level
        expectError([0x5D, 0x5D, 0x5D, 0x5D, 0x2E], .depthLimitExceeded(limit: 3, offset: 3), limits: limits)
        // (7D 4B 01: EMPTY_DICT, BININT1 1 as its future key) ×3 | 7D: the fourth EMPTY_DICT at byte 9
        expectError(
            [0x7D, 0x4B, 0x01, 0x7D, 0x4B, 0x01, 0x7D, 0x4B, 0x01, 0x7D, 0x4E, 0x73, 0x73, 0x73, 0x2E],
            .depthLimitExceeded(limit: 3, offset: 9), limits: limits)
        // c collections OrderedDict (bytes 0-24) ) R at 26: an empty call result is open too (level 1) | MARK at 27
        // (directly above an open container it adds no level) | 5D ×3 at 28-30: the third EMPTY_LIST is level 4
        expectError(
            ascii("ccollections\nOrderedDict\n)R(]]]"), .depthLimitExceeded(limit: 3, offset: 30), limits: limits)
        // 28 28: two MARKs | 5D 5D at bytes 2, 3: the second EMPTY_LIST is level 4
        expectError([0x28, 0x28, 0x5D, 0x5D], .depthLimitExceeded(limit: 3, offset: 3), limits: limits)
    }

    /// What does not count: a MARK directly above an open container (the batch that fills it), and containers
    /// once they have items, so CPython's way of writing nested containers loads up to the limit.
    @Test func filledContainersAndBatchMarksAreNotOpenLevels() throws {
        var limits = PickleLimits.standard
        limits.maxDepth = 3
        // (5D 28: EMPTY_LIST, MARK) ×3 | 4E: NONE | 65 ×3: APPENDS: [[[None]]], depth 3
        let batches: [UInt8] = [0x5D, 0x28, 0x5D, 0x28, 0x5D, 0x28, 0x4E, 0x65, 0x65, 0x65, 0x2E]
        let nested = try Unpickler(policy: .allow([]), limits: limits).run(batches)
        #expect(nested.heap.render(nested.root) == "[[[None]]]")
        // 28: MARK | (5D 4E 61: EMPTY_LIST, NONE, APPEND) ×5 | 6C: LIST: five filled siblings, depth 2
        let siblings = [0x28] + Array([[UInt8]](repeating: [0x5D, 0x4E, 0x61], count: 5).joined()) + [0x6C, 0x2E]
        let flat = try Unpickler(policy: .allow([]), limits: limits).run(siblings)
        #expect(flat.heap.render(flat.root) == "[[None], [None], [None], [None], [None]]")
    }

    @Test func containerTooLarge() {
        var limits = PickleLimits.standard
        limits.maxContainerItems = 3
        // 5D: EMPTY_LIST | 28 4E 4E 65: MARK NONE NONE APPENDS (2 items) | 28 4E 4E 65: again, APPENDS at byte 8 (4)
        expectError([0x5D, 0x28, 0x4E, 0x4E, 0x65, 0x28, 0x4E, 0x4E, 0x65, 0x2E], .containerTooLarge(limit: 3, offset: 8), limits: limits)
        // 7D: EMPTY_DICT | (4B k, 4E, 73: BININT1 k, NONE, SETITEM) for k = 1...4: the fourth SETITEM is at byte 16
        var dict: [UInt8] = [0x7D]
        for key in 1...4 { dict += [0x4B, UInt8(key), 0x4E, 0x73] }
        expectError(dict + [0x2E], .containerTooLarge(limit: 3, offset: 16), limits: limits)
    }

    @Test func stackTooLarge() {
        var limits = PickleLimits.standard
        limits.maxStackValues = 2
        // 4E 32: NONE DUP fill the stack to 2 | 32: DUP at byte 2 would make 3
        expectError([0x4E, 0x32, 0x32, 0x2E], .stackTooLarge(limit: 2, offset: 2), limits: limits)
    }

    @Test func tooManyObjects() {
        var limits = PickleLimits.standard
        limits.maxObjects = 2
        // 5D 5D: two empty lists | 29: EMPTY_TUPLE at byte 2, a third object
        expectError([0x5D, 0x5D, 0x29, 0x2E], .tooManyObjects(limit: 2, offset: 2), limits: limits)
    }

    @Test func pickleTooLarge() {
        var limits = PickleLimits.standard
        limits.maxBytes = 4
        // Four NONEs fill the limit; the next opcode at byte 4 lies past it.
        expectError([0x4E, 0x4E, 0x4E, 0x4E, 0x4E, 0x2E], .pickleTooLarge(limit: 4, offset: 4), limits: limits)
        // 4A + 4 bytes: BININT at byte 0 whose argument crosses the limit.
        expectError([0x4A, 0x01, 0x02, 0x03, 0x04, 0x2E], .pickleTooLarge(limit: 4, offset: 0), limits: limits)
    }

    @Test func unsupportedProtocol() {
        // 80 06: PROTO 6
        expectError([0x80, 0x06, 0x4E, 0x2E], .unsupportedProtocol(version: 6, offset: 0))
    }

    @Test func outOfBandBuffer() {
        // 80 05: PROTO 5 | 97: NEXT_BUFFER at byte 2
        expectError([0x80, 0x05, 0x97, 0x2E], .outOfBandBuffer(opcode: "NEXT_BUFFER", offset: 2))
        // 43 00: SHORT_BINBYTES b'' | 98: READONLY_BUFFER at byte 2
        expectError([0x43, 0x00, 0x98, 0x2E], .outOfBandBuffer(opcode: "READONLY_BUFFER", offset: 2))
    }

    @Test func extensionCode() {
        // 82 07: EXT1 7 | 83 34 12: EXT2 0x1234 | 84 78 56 34 12: EXT4 0x12345678
        expectError([0x82, 0x07, 0x2E], .extensionCode(code: 7, offset: 0))
        expectError([0x83, 0x34, 0x12, 0x2E], .extensionCode(code: 0x1234, offset: 0))
        expectError([0x84, 0x78, 0x56, 0x34, 0x12, 0x2E], .extensionCode(code: 0x1234_5678, offset: 0))
    }

    @Test func callOfNonGlobal() {
        // Under `.allow` only: `.scanOnly` records these calls (UnpicklerTests.scanOnlyRecordsCallsOfNonGlobals).
        // 5D: EMPTY_LIST | 29: EMPTY_TUPLE | 52: REDUCE at byte 2 calls the list
        expectError([0x5D, 0x29, 0x52, 0x2E], .callOfNonGlobal(opcode: "REDUCE", found: "a list", offset: 2), policy: .allow([]))
        // 8C 01 "f": SHORT_BINUNICODE | 29: EMPTY_TUPLE | 81: NEWOBJ at byte 4 calls a str
        expectError(
            [0x8C, 0x01, 0x66, 0x29, 0x81, 0x2E], .callOfNonGlobal(opcode: "NEWOBJ", found: "a str", offset: 4), policy: .allow([]))
        // 28 4E: MARK NONE | 6F: OBJ at byte 2 calls None
        expectError([0x28, 0x4E, 0x6F, 0x2E], .callOfNonGlobal(opcode: "OBJ", found: "None", offset: 2), policy: .allow([]))
        // The result of a recorded call cannot be called again (no getattr(...)(...) chains):
        // c "collections\nOrderedDict\n" (bytes 0-24) | 29 52: EMPTY_TUPLE REDUCE at 26 | 29 52: REDUCE at byte 28
        expectError(
            ascii("ccollections\nOrderedDict\n") + [0x29, 0x52, 0x29, 0x52, 0x2E],
            .callOfNonGlobal(opcode: "REDUCE", found: "an instance of collections.OrderedDict", offset: 28),
            policy: .allow([GlobalName(module: "collections", name: "OrderedDict")]))
    }

    @Test func wrongType() {
        // c "collections\nOrderedDict\n" | 4E: NONE | 52: REDUCE at byte 26 with None for arguments
        expectError(
            ascii("ccollections\nOrderedDict\nNR."),
            .wrongType(opcode: "REDUCE", expected: "a tuple of arguments", found: "None", offset: 26))
        // 4B 01 4B 02: BININT1 1, BININT1 2 | 93: STACK_GLOBAL at byte 4 with two ints (the loading policies; the
        // scan records a computed name instead, PickleScanTests)
        expectError(
            [0x4B, 0x01, 0x4B, 0x02, 0x93, 0x2E],
            .wrongType(opcode: "STACK_GLOBAL", expected: "two strings", found: "an int and an int", offset: 4),
            policy: .allow([]))
        // c "collections\nOrderedDict\n" | 29: EMPTY_TUPLE | 29: EMPTY_TUPLE | 92: NEWOBJ_EX at byte 27
        expectError(
            ascii("ccollections\nOrderedDict\n)") + [0x29, 0x92, 0x2E],
            .wrongType(opcode: "NEWOBJ_EX", expected: "a dict of keyword arguments", found: "a tuple", offset: 27))
    }

    @Test func invalidTarget() {
        // 29: EMPTY_TUPLE | 4E: NONE | 61: APPEND at byte 2 to a tuple
        expectError([0x29, 0x4E, 0x61, 0x2E], .invalidTarget(opcode: "APPEND", target: "a tuple", offset: 2))
        // 4E 4E 4E: NONE × 3 | 73: SETITEM at byte 3 on None
        expectError([0x4E, 0x4E, 0x4E, 0x73, 0x2E], .invalidTarget(opcode: "SETITEM", target: "None", offset: 3))
        // 5D: EMPTY_LIST | 7D: EMPTY_DICT | 62: BUILD at byte 2 on a list
        expectError([0x5D, 0x7D, 0x62, 0x2E], .invalidTarget(opcode: "BUILD", target: "a list", offset: 2))
        // 28 91: MARK FROZENSET (empty) | 28 4E 90: MARK NONE ADDITEMS at byte 4 on a frozenset
        expectError([0x28, 0x91, 0x28, 0x4E, 0x90, 0x2E], .invalidTarget(opcode: "ADDITEMS", target: "a frozenset", offset: 4))
        // 4B 05: BININT1 5 | 28 4E 65: MARK NONE APPENDS at byte 4 on an int
        expectError([0x4B, 0x05, 0x28, 0x4E, 0x65, 0x2E], .invalidTarget(opcode: "APPENDS", target: "an int", offset: 4))
        // 7D: EMPTY_DICT | 4E 61: NONE APPEND at byte 2 on a dict
        expectError([0x7D, 0x4E, 0x61, 0x2E], .invalidTarget(opcode: "APPEND", target: "a dict", offset: 2))
        // c "collections\nOrderedDict\n" | 7D 62: EMPTY_DICT BUILD at byte 26 on a global (the loading policies;
        // the scan records the change as a use, PickleScanTests)
        expectError(
            ascii("ccollections\nOrderedDict\n}b."),
            .invalidTarget(opcode: "BUILD", target: "the global collections.OrderedDict", offset: 26),
            policy: .allow([GlobalName(module: "collections", name: "OrderedDict")]))
    }

    @Test func oddItemCount() {
        // 28 4E: MARK NONE | 64: DICT at byte 2 with a key and no value
        expectError([0x28, 0x4E, 0x64, 0x2E], .oddItemCount(opcode: "DICT", offset: 2))
        // 7D: EMPTY_DICT | 28 4E 4E 4E: MARK, three NONEs | 75: SETITEMS at byte 5
        expectError([0x7D, 0x28, 0x4E, 0x4E, 0x4E, 0x75, 0x2E], .oddItemCount(opcode: "SETITEMS", offset: 5))
    }

    @Test func descriptionsAreOneLine() {
        let errors: [PickleError] = [
            .disallowedGlobal(module: "os", name: "system", offset: 2), .unknownOpcode(byte: 0x0A, offset: 1),
            .truncated(opcode: "BININT", offset: 0), .missingStop(offset: 3), .stackUnderflow(opcode: "POP", offset: 0),
            .missingMark(opcode: "TUPLE", offset: 0), .unclosedMark(markOffset: 0, offset: 1),
            .missingMemo(index: 1, offset: 0), .memoIndexOverLimit(index: 5, limit: 4, offset: 0),
            .invalidUTF8(opcode: "GLOBAL", offset: 0), .invalidLiteral(opcode: "INT", offset: 0),
            .negativeLength(opcode: "LONG4", length: -1, offset: 0), .depthLimitExceeded(limit: 3, offset: 0),
            .containerTooLarge(limit: 3, offset: 0), .stackTooLarge(limit: 3, offset: 0), .tooManyObjects(limit: 3, offset: 0),
            .pickleTooLarge(limit: 3, offset: 0), .unsupportedProtocol(version: 6, offset: 0),
            .outOfBandBuffer(opcode: "NEXT_BUFFER", offset: 0), .extensionCode(code: 1, offset: 0),
            .callOfNonGlobal(opcode: "REDUCE", found: "a list", offset: 0),
            .wrongType(opcode: "REDUCE", expected: "a tuple", found: "None", offset: 0),
            .invalidTarget(opcode: "APPEND", target: "a tuple", offset: 0), .oddItemCount(opcode: "DICT", offset: 0),
        ]
        for error in errors {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
            #expect(error.description.contains("byte \(error.offset)"))
        }
        #expect(PickleError.unknownOpcode(byte: 0x0A, offset: 1).description == "pickle has unknown opcode 0x0A at byte 1")
    }
}
