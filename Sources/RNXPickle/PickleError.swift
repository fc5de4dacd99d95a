/// Everything that can go wrong while running the restricted pickle machine.
///
/// Each case carries the byte offset of the opcode that failed (counted from the start of the byte buffer given to
/// `Unpickler.run`), so reports can point into the file. Opcode names are CPython's (`pickletools`), e.g. `BINPUT`.
public enum PickleError: Error, Equatable, Sendable {
    /// A global outside the allowlist, e.g. `os.system`, named by GLOBAL, STACK_GLOBAL or INST.
    case disallowedGlobal(module: String, name: String, offset: Int)
    /// A byte that is no opcode of pickle protocols 0 to 5.
    case unknownOpcode(byte: UInt8, offset: Int)
    /// The data ends inside the argument of an opcode (a fixed-size argument, a text line or a declared length).
    case truncated(opcode: String, offset: Int)
    /// The data ends before a STOP opcode; `offset` is where the next opcode should have been.
    case missingStop(offset: Int)
    /// An opcode needs more values than the stack holds above the current MARK.
    case stackUnderflow(opcode: String, offset: Int)
    /// An opcode that works on the items since the last MARK found no MARK.
    case missingMark(opcode: String, offset: Int)
    /// STOP was reached while a MARK (pushed at `markOffset`) was still open. CPython ignores this; its pickler never
    /// writes it, so rnx treats it as corruption.
    case unclosedMark(markOffset: Int, offset: Int)
    /// GET, BINGET or LONG_BINGET named a memo slot nothing was stored in.
    case missingMemo(index: Int, offset: Int)
    /// A memo index at or above `PickleLimits.maxMemoEntries`.
    case memoIndexOverLimit(index: Int, limit: Int, offset: Int)
    /// A string, a global's name or a persistent id whose bytes are not valid UTF-8.
    case invalidUTF8(opcode: String, offset: Int)
    /// A text argument (protocol 0 numbers, quoted strings, escapes) that Python would not parse.
    case invalidLiteral(opcode: String, offset: Int)
    /// A length field that is negative.
    case negativeLength(opcode: String, length: Int64, offset: Int)
    /// MARKs or containers nested deeper than `PickleLimits.maxDepth`.
    case depthLimitExceeded(limit: Int, offset: Int)
    /// One container would hold more than `PickleLimits.maxContainerItems` items.
    case containerTooLarge(limit: Int, offset: Int)
    /// The machine's stack would hold more than `PickleLimits.maxStackValues` values.
    case stackTooLarge(limit: Int, offset: Int)
    /// The pickle would create more than `PickleLimits.maxObjects` heap objects.
    case tooManyObjects(limit: Int, offset: Int)
    /// The pickle runs on past `PickleLimits.maxBytes` bytes without reaching STOP.
    case pickleTooLarge(limit: Int, offset: Int)
    /// A PROTO opcode asking for a protocol newer than 5.
    case unsupportedProtocol(version: Int, offset: Int)
    /// NEXT_BUFFER or READONLY_BUFFER: protocol 5 out-of-band buffers, which a file cannot carry.
    case outOfBandBuffer(opcode: String, offset: Int)
    /// EXT1, EXT2 or EXT4: a code from Python's `copyreg` extension registry, which rnx does not consult.
    case extensionCode(code: Int, offset: Int)
    /// REDUCE, NEWOBJ, NEWOBJ_EX or OBJ asked to call something that is not a global (`found` says what it is).
    case callOfNonGlobal(opcode: String, found: String, offset: Int)
    /// An opcode got an operand of the wrong kind, e.g. REDUCE with arguments that are not a tuple.
    case wrongType(opcode: String, expected: String, found: String, offset: Int)
    /// APPEND(S), SETITEM(S), ADDITEMS or BUILD applied to something that cannot take them, e.g. a tuple or None.
    case invalidTarget(opcode: String, target: String, offset: Int)
    /// DICT or SETITEMS with a key left without its value.
    case oddItemCount(opcode: String, offset: Int)
}

extension PickleError: CustomStringConvertible {
    /// One line, meant to follow `rnx: FILE: `.
    public var description: String {
        switch self {
        case .disallowedGlobal(let module, let name, let offset):
            "pickle references \(module).\(name) at byte \(offset), which rnx refuses to load (not a tensor or container)"
        case .unknownOpcode(let byte, let offset):
            "pickle has unknown opcode 0x\(hex(byte)) at byte \(offset)"
        case .truncated(let opcode, let offset):
            "pickle data ends inside the argument of \(opcode) at byte \(offset) (truncated file?)"
        case .missingStop(let offset):
            "pickle data ends at byte \(offset) without a STOP opcode (truncated file?)"
        case .stackUnderflow(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) needs more values than the stack holds"
        case .missingMark(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) needs a MARK and there is none"
        case .unclosedMark(let markOffset, let offset):
            "pickle stops at byte \(offset) with the MARK at byte \(markOffset) still open"
        case .missingMemo(let index, let offset):
            "pickle reads memo slot \(index) at byte \(offset), which was never stored"
        case .memoIndexOverLimit(let index, let limit, let offset):
            "pickle uses memo slot \(index) at byte \(offset), over the limit of \(limit) slots"
        case .invalidUTF8(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) holds text that is not valid UTF-8"
        case .invalidLiteral(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) has a malformed argument"
        case .negativeLength(let opcode, let length, let offset):
            "pickle opcode \(opcode) at byte \(offset) declares a negative length (\(length))"
        case .depthLimitExceeded(let limit, let offset):
            "pickle nests deeper than \(limit) levels at byte \(offset)"
        case .containerTooLarge(let limit, let offset):
            "pickle builds a container of more than \(limit) items at byte \(offset)"
        case .stackTooLarge(let limit, let offset):
            "pickle stacks more than \(limit) values at byte \(offset)"
        case .tooManyObjects(let limit, let offset):
            "pickle creates more than \(limit) objects (at byte \(offset))"
        case .pickleTooLarge(let limit, let offset):
            "pickle is larger than the limit of \(limit) bytes (still no STOP at byte \(offset))"
        case .unsupportedProtocol(let version, let offset):
            "pickle protocol \(version) at byte \(offset) is not supported (0 to 5 are)"
        case .outOfBandBuffer(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) refers to an out-of-band buffer, which a file cannot carry"
        case .extensionCode(let code, let offset):
            "pickle uses extension code \(code) at byte \(offset); rnx does not consult Python's extension registry"
        case .callOfNonGlobal(let opcode, let found, let offset):
            "pickle opcode \(opcode) at byte \(offset) calls \(found), not a named global; rnx refuses"
        case .wrongType(let opcode, let expected, let found, let offset):
            "pickle opcode \(opcode) at byte \(offset) expects \(expected), found \(found)"
        case .invalidTarget(let opcode, let target, let offset):
            "pickle opcode \(opcode) at byte \(offset) applies to \(target), which cannot take it"
        case .oddItemCount(let opcode, let offset):
            "pickle opcode \(opcode) at byte \(offset) has a key without a value"
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// The byte offset every case carries.
    public var offset: Int {
        switch self {
        case .disallowedGlobal(_, _, let offset), .unknownOpcode(_, let offset), .truncated(_, let offset),
            .missingStop(let offset), .stackUnderflow(_, let offset), .missingMark(_, let offset),
            .unclosedMark(_, let offset), .missingMemo(_, let offset), .memoIndexOverLimit(_, _, let offset),
            .invalidUTF8(_, let offset), .invalidLiteral(_, let offset), .negativeLength(_, _, let offset),
            .depthLimitExceeded(_, let offset), .containerTooLarge(_, let offset), .stackTooLarge(_, let offset), .tooManyObjects(_, let offset),
            .pickleTooLarge(_, let offset), .unsupportedProtocol(_, let offset), .outOfBandBuffer(_, let offset),
            .extensionCode(_, let offset), .callOfNonGlobal(_, _, let offset), .wrongType(_, _, _, let offset),
            .invalidTarget(_, _, let offset), .oddItemCount(_, let offset):
            offset
        }
    }
}
