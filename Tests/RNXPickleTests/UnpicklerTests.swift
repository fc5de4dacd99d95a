import RNXPickle
import Testing

/// Opcode behaviour on handcrafted bytes, for what CPython 3's pickler never writes (Python 2's STRING family) and
/// for semantics the fixtures do not isolate. Expected values follow CPython's `Lib/pickle.py`.
@Suite struct UnpicklerTests {
    func run(_ bytes: [UInt8], policy: GlobalPolicy = .scanOnly) throws -> PickleResult {
        try Unpickler(policy: policy).run(bytes)
    }

    @Test func pythonTwoStrings() throws {
        // S 'a\nb\x41\101\'' : STRING with escapes \n, \x41, octal \101 and a quote, as Python 2's repr writes them
        #expect(try run(ascii("S'a\\nb\\x41\\101\\''\n.")).root == .string("a\nbAA'"))
        // S "it's" : double quotes; unknown escapes such as \q keep their backslash
        #expect(try run(ascii("S\"it's \\q\"\n.")).root == .string("it's \\q"))
        // 54 03 00 00 00 "abc": BINSTRING | 55 02 "hi": SHORT_BINSTRING | 86: TUPLE2
        let binary = try run([0x54, 0x03, 0, 0, 0] + ascii("abc") + [0x55, 0x02] + ascii("hi") + [0x86, 0x2E])
        #expect(binary.heap.tuple(binary.root) == [.string("abc"), .string("hi")])
    }

    @Test func protocolZeroNumbers() throws {
        // I01 / I00 are Python 2's True / False; other INTs are numbers
        let result = try run(ascii("(I01\nI00\nI-42\nI0\nL123L\nL-99999999999999999999\nF-2.5\nFnan\ntp0\n."))
        let items = try #require(result.heap.tuple(result.root))
        #expect(items.prefix(5) == [.bool(true), .bool(false), .int(-42), .int(0), .int(123)])
        // -99999999999999999999 = -(0x56BC75E2D630FFFFF) - 1 ... its two's complement bytes, least significant first
        guard case .bigInt(let big) = items[5] else { Issue.record("not a big int"); return }
        #expect(PickleInteger.decimalString(big) == "-99999999999999999999")
        #expect(items[6] == .float(-2.5))
        guard case .float(let nan) = items[7] else { Issue.record("not a float"); return }
        #expect(nan.isNaN)
    }

    @Test func binaryIntegers() throws {
        // 8A 00: LONG1 of no bytes is 0 | 8A 01 FF: -1 | 8A 09 (00 ×8, 01): 2^64
        // | 4D FF FF: BININT2 65535 | 4A FE FF FF FF: BININT -2 | 4B FF: BININT1 255
        let bytes: [UInt8] =
            [0x28, 0x8A, 0x00, 0x8A, 0x01, 0xFF, 0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x4D, 0xFF, 0xFF]
            + [0x4A, 0xFE, 0xFF, 0xFF, 0xFF, 0x4B, 0xFF, 0x74, 0x2E]
        let result = try run(bytes)
        #expect(result.heap.tuple(result.root) == [.int(0), .int(-1), .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 1]), .int(65535), .int(-2), .int(255)])
        // 8A 08 + 8 bytes of Int64.min fits 64 bits; 8A 09 FF×8 00 is 2^64 - 1 (sign byte needed), not -1
        #expect(try run([0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x2E]).root == .int(.min))
        #expect(try run([0x8A, 0x09] + [UInt8](repeating: 0xFF, count: 8) + [0x00, 0x2E]).root == .bigInt([UInt8](repeating: 0xFF, count: 8) + [0]))
        // Redundant sign bytes are dropped: 8A 04 05 00 00 00 is 5
        #expect(try run([0x8A, 0x04, 0x05, 0, 0, 0, 0x2E]).root == .int(5))
    }

    @Test func rawUnicodeEscape() throws {
        // V \u00e9\U0001F600 : UNICODE with a BMP and an astral escape
        #expect(try run(ascii("V\\u00e9\\U0001F600\n.")).root == .string("é😀"))
        // An even run of backslashes is not an escape: both stay, and "u0041" is text.
        #expect(try run(ascii("V\\\\u0041\n.")).root == .string("\\\\u0041"))
        // Bytes above 0x7F are Latin-1 code points: E9 is é.
        #expect(try run([0x56, 0xE9, 0x0A, 0x2E]).root == .string("é"))
    }

    @Test func dictKeysFollowPythonEquality() throws {
        // 7D: EMPTY_DICT | 28: MARK | 88 K05: True: 5 | K01 K06: 1: 6 | 47 (1.0): 7 ... | 75: SETITEMS
        // In Python, True == 1 == 1.0: one key (the first, True), holding the last value.
        let bytes: [UInt8] =
            [0x7D, 0x28, 0x88, 0x4B, 0x05, 0x4B, 0x01, 0x4B, 0x06, 0x47, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x4B, 0x07]
            + [0x8C, 0x01, 0x61, 0x4B, 0x08, 0x75, 0x2E]
        let result = try run(bytes)
        let pairs = try #require(result.heap.dict(result.root))
        #expect(pairs.map(\.key) == [.bool(true), .string("a")])
        #expect(pairs.map(\.value) == [.int(7), .int(8)])
    }

    @Test func setsDropDuplicates() throws {
        // 8F: EMPTY_SET | 28 K01 K02 K01 90: MARK 1 2 1 ADDITEMS | 28 K02 91 ... FROZENSET of 2, 2
        let result = try run([0x8F, 0x28, 0x4B, 0x01, 0x4B, 0x02, 0x4B, 0x01, 0x90, 0x28, 0x4B, 0x02, 0x4B, 0x02, 0x91, 0x86, 0x2E])
        let pair = try #require(result.heap.tuple(result.root))
        #expect(result.heap.set(pair[0]) == [.int(1), .int(2)])
        #expect(result.heap.set(pair[1]) == [.int(2)])
    }

    @Test func popRemovesAnEmptyMark() throws {
        // 4E: NONE | 28: MARK | 30: POP removes the MARK (CPython's load_pop) | 2E: STOP returns None
        #expect(try run([0x4E, 0x28, 0x30, 0x2E]).root == .none)
    }

    @Test func popMarkDiscardsItems() throws {
        // 4B 01: 1 | 28 4E 4E: MARK NONE NONE | 31: POP_MARK | 2E: STOP returns 1
        #expect(try run([0x4B, 0x01, 0x28, 0x4E, 0x4E, 0x31, 0x2E]).root == .int(1))
    }

    @Test func framesAndByteArrays() throws {
        // 80 05: PROTO 5 | 95 + 8-byte 0x0B: FRAME of 11 bytes | 96 + 8-byte 2 + "xy": BYTEARRAY8 | 2E
        let bytes: [UInt8] = [0x80, 0x05, 0x95, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0x96, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x78, 0x79, 0x2E]
        let result = try run(bytes)
        #expect(result.root == .bytes([0x78, 0x79]))
        #expect(result.proto == 5)
    }

    @Test func eightByteLengths() throws {
        // 8D + 8-byte length 2 + "hi": BINUNICODE8 | 8E + 8-byte length 1 + 00: BINBYTES8 | 86: TUPLE2
        let bytes: [UInt8] = [0x8D, 0x02, 0, 0, 0, 0, 0, 0, 0] + ascii("hi") + [0x8E, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x86, 0x2E]
        let result = try run(bytes)
        #expect(result.heap.tuple(result.root) == [.string("hi"), .bytes([0])])
    }

    @Test func endOffsetAndStartOffset() throws {
        // "xx" | 4E 2E: NONE STOP | "more": the legacy format keeps going after a pickle
        let bytes = ascii("xxN.more")
        let result = try Unpickler(policy: .allow([])).run(bytes, from: 2)
        #expect(result.root == .none)
        #expect(result.endOffset == 4)
        // Offsets in errors count from the start of the buffer.
        expectError(ascii("xx0"), .unknownOpcode(byte: 0x78, offset: 0))
        #expect(throws: PickleError.stackUnderflow(opcode: "POP", offset: 2)) {
            try Unpickler(policy: .allow([])).run(ascii("xx0"), from: 2)
        }
    }

    @Test func callsAreRecordedNotMade() throws {
        // c collections OrderedDict | ) | 7D | 92: NEWOBJ_EX(cls, (), {}) with kwargs dict {'a': 1} built below
        let bytes =
            ascii("ccollections\nOrderedDict\n") + [0x29, 0x7D, 0x8C, 0x01, 0x61, 0x4B, 0x01, 0x73, 0x92]
            + ascii("(ccollections\nOrderedDict\nK\u{4}o") + [0x86, 0x2E]
        let result = try run(bytes)
        let pair = try #require(result.heap.tuple(result.root))
        let newObjEx = try #require(result.heap.instance(pair[0]))
        #expect(newObjEx.callee == GlobalName(module: "collections", name: "OrderedDict"))
        #expect(newObjEx.arguments.isEmpty)
        #expect(newObjEx.keywordArguments.map(\.key) == [.string("a")])
        #expect(newObjEx.offset == 33)
        // ( c collections OrderedDict K04 o: OBJ takes the class and then its arguments from above the MARK
        let obj = try #require(result.heap.instance(pair[1]))
        #expect(obj.arguments == [.int(4)])
    }

    @Test func instAndPersistentIDs() throws {
        // 28 K07: MARK 7 | 69 "argparse\nNamespace\n": INST | P "storage 0\n": PERSID | 86 TUPLE2 | Q: BINPERSID of that
        let result = try run(ascii("(K\u{7}iargparse\nNamespace\nPstorage 0\n") + [0x86, 0x51, 0x2E])
        let persistent = try #require(result.heap.persistentID(result.root))
        let pair = try #require(result.heap.tuple(persistent))
        #expect(result.heap.instance(pair[0])?.arguments == [.int(7)])
        #expect(result.heap.instance(pair[0])?.callee.description == "argparse.Namespace")
        #expect(result.heap.persistentID(pair[1]) == .string("storage 0"))
        // Offsets: ( 0, K 1-2, i 3-22, P 23-33, TUPLE2 34, BINPERSID 35; a tuple is no persistent id.
        guard case .object(let root) = result.root, case .object(let inner) = pair[1], case .object(let tuple) = persistent
        else { Issue.record("not objects"); return }
        #expect(result.heap.persistentIDOffset(root) == 35)
        #expect(result.heap.persistentIDOffset(inner) == 23)
        #expect(result.heap.persistentIDOffset(tuple) == nil)
    }

    /// Under `.scanOnly` a call of anything but a global is recorded as an opaque call and the scan goes on, so
    /// every global of `getattr(__import__('os'), 'system')('echo pwned')` is listed; `.allow` refuses the call.
    @Test func scanOnlyRecordsCallsOfNonGlobals() throws {
        // c builtins getattr (0-17) | 28: MARK | c builtins __import__ (19-39) | 8C 02 "os" | 85: TUPLE1 | 52: REDUCE
        // at 45 | 8C 06 "system" (46-53) | 74: TUPLE | 52: REDUCE at 55 | 8C 0A "echo pwned" (56-67) | 85 | 52: REDUCE
        // at 69 calls getattr's result | c os system (70-80) | 86: TUPLE2 | 2E
        let bytes =
            ascii("cbuiltins\ngetattr\n(cbuiltins\n__import__\n") + [0x8C, 0x02] + ascii("os") + [0x85, 0x52, 0x8C, 0x06]
            + ascii("system") + [0x74, 0x52, 0x8C, 0x0A] + ascii("echo pwned") + [0x85, 0x52] + ascii("cos\nsystem\n")
            + [0x86, 0x2E]
        let getattr = GlobalName(module: "builtins", name: "getattr")
        let importer = GlobalName(module: "builtins", name: "__import__")
        let system = GlobalName(module: "os", name: "system")
        let result = try run(bytes)
        #expect(result.globals == [
            GlobalReference(global: getattr, offset: 0), GlobalReference(global: importer, offset: 19),
            GlobalReference(global: system, offset: 70),
        ])
        let pair = try #require(result.heap.tuple(result.root))
        let call = try #require(result.heap.instance(pair[0]))
        #expect(call.callee == .opaqueCall && call.offset == 69)
        #expect(call.arguments.count == 2 && call.arguments.last == .string("echo pwned"))
        #expect(result.heap.instance(call.arguments[0])?.callee == getattr)
        #expect(result.heap.render(pair[0]) == "builtins.getattr(builtins.__import__('os'), 'system')('echo pwned')")
        guard case .object(let id) = pair[0] else { Issue.record("not an object"); return }
        #expect(result.heap[id].kindName == "the result of an opaque call")
        #expect(throws: PickleError.callOfNonGlobal(opcode: "REDUCE", found: "an instance of builtins.getattr", offset: 69)) {
            try run(bytes, policy: .allow([getattr, importer, system]))
        }
        // NEWOBJ of a str and OBJ of None are recorded the same way: 8C 01 "f" ) 81 | 28 4E 6F | 86
        let other = try run([0x8C, 0x01, 0x66, 0x29, 0x81, 0x28, 0x4E, 0x6F, 0x86, 0x2E])
        let calls = try #require(other.heap.tuple(other.root))
        #expect(other.heap.instance(calls[0])?.arguments == [.string("f")])
        #expect(other.heap.instance(calls[1])?.arguments == [.none])
        #expect(other.heap.render(other.root) == "('f'(), None())")
    }

    @Test func scanOnlyRecordsEveryGlobal() throws {
        // c os system at 0 | ) R | 0 POP | c builtins eval at 14 (protocol 0: no renames needed) | .
        let result = try run(ascii("cos\nsystem\n)R0cbuiltins\neval\n."))
        #expect(result.globals.map(\.global.description) == ["os.system", "builtins.eval"])
        #expect(result.globals.map(\.offset) == [0, 14])
        #expect(result.heap.instance(.object(ObjectID(index: 2)))?.callee.description == "os.system")
    }

    @Test func protocolThreeNamesAreNotRenamed() throws {
        // 80 03: PROTO 3 | c __builtin__ set: no fix_imports renames from protocol 3 on
        let result = try run([0x80, 0x03] + ascii("c__builtin__\nset\n."))
        #expect(result.globals.map(\.global.description) == ["__builtin__.set"])
    }

    @Test func memoizeUsesTheMemoSize() throws {
        // 4B 05 94: 5 MEMOIZE (slot 0) | 4B 06 94: 6 MEMOIZE (slot 1) | 68 00: BINGET 0 | 87: TUPLE3
        let result = try run([0x4B, 0x05, 0x94, 0x4B, 0x06, 0x94, 0x68, 0x00, 0x87, 0x2E])
        #expect(result.heap.tuple(result.root) == [.int(5), .int(6), .int(5)])
    }

    @Test func renderMatchesPythonRepr() throws {
        // Python: repr((1,)) == '(1,)', repr(set()) == 'set()', repr(b"it's") == 'b"it\'s"', repr(1e16) == '1e+16',
        // repr(-0.0) == '-0.0', repr(1e-05) == '1e-05', repr(123456789012345680.0) == '1.2345678901234568e+17',
        // repr(2**64) == '18446744073709551616', repr('\x00é\u2028') == "'\\x00é\\u2028'"
        let heap = try run([0x4B, 0x01, 0x85, 0x2E])
        #expect(heap.heap.render(heap.root) == "(1,)")
        #expect(try render([0x8F, 0x2E]) == "set()")
        #expect(try render([0x43, 0x04] + ascii("it's") + [0x2E]) == "b\"it's\"")
        #expect(try render([0x47, 0x43, 0x41, 0xC3, 0x79, 0x37, 0xE0, 0x80, 0x00, 0x2E]) == "1e+16")
        #expect(try render([0x47, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x2E]) == "-0.0")
        #expect(try render(ascii("F1e-05\n.")) == "1e-05")
        #expect(try render(ascii("F123456789012345680.0\n.")) == "1.2345678901234568e+17")
        #expect(try render([0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x2E]) == "18446744073709551616")
        #expect(try render(ascii("V\\u0000\\u00e9\\u2028\n.")) == "'\\x00é\\u2028'")
        #expect(try render(ascii("(I1\nI2\nl.")) == "[1, 2]")
    }

    func render(_ bytes: [UInt8]) throws -> String {
        let result = try run(bytes)
        return result.heap.render(result.root)
    }
}
