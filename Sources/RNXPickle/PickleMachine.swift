/// The state of one run of the restricted pickle machine (a class: mutating a struct this size through helper
/// methods let Swift copy it, and with it the stack, on hot paths).
///
/// Everything is iterative: the only loops are over opcodes and over the items one opcode handles, and compound
/// values live in a flat heap addressed by index, so neither running nor freeing can recurse however deep the data.
/// The stack is split by MARKs the way CPython's `_pickle.c` splits it: an opcode may only pop values pushed since
/// the last MARK (`fence`), and POP on an empty segment removes the MARK itself.
final class PickleMachine {
    let bytes: [UInt8]
    /// One past the last byte this pickle may use: the end of the data or `start + limits.maxBytes`.
    let end: Int
    let limits: PickleLimits
    let policy: GlobalPolicy

    var position: Int
    /// Offset and opcode currently running, for errors.
    var opcodeOffset = 0
    var opcode = Opcode.stop

    var stack: [PickleValue] = []
    /// Stack heights at each open MARK, and the byte offsets of those MARKs.
    var marks: [Int] = []
    var markOffsets: [Int] = []
    /// The stack slots holding open containers that count as levels (see `push`), with the level of each: how many
    /// open containers and MARKs lie at or below it. Levels only grow at these slots and at MARKs, so this sparse
    /// list (at most `maxDepth` long) is all that is kept, not a level per slot.
    var openSlots: [(index: Int, level: Int)] = []
    /// The level of each open MARK.
    var markLevels: [Int] = []
    /// A dictionary, not an array: a hostile index such as 0xFFFFFFFF costs one entry, not four billion slots.
    var memo: [Int: PickleValue] = [:]
    /// The heap being built, in the order objects were created (an `ObjectID` is an index into it).
    var nodes: [Node] = []
    /// Nesting depth of each heap object at the time items were added (1 for an empty container).
    var depths: [Int] = []
    /// Byte offset of the GLOBAL or STACK_GLOBAL opcode of each global, by heap index (for refusing its call).
    var globalOffsets: [Int: Int] = [:]
    /// Byte offset of each persistent id's opcode, by heap index.
    var persistentIDOffsets: [Int: Int] = [:]
    var globals: [GlobalReference] = []
    /// Under `.scanOnly`: every naming and the first use per opcode of each global (see `PickleScan`).
    var references: [PickleScan.Reference] = []
    /// The (global, opcode) uses already in `references`.
    var recordedUses: Set<UseKey> = []
    /// Whether the policy is `.scanOnly`, tested on hot paths.
    let scanning: Bool
    /// Where the pickle starts.
    let start: Int
    var proto = 0
    /// Offset of the opcode that created the newest heap object (see `isFresh`).
    var lastAllocation = -1

    init(bytes: [UInt8], start: Int, limits: PickleLimits, policy: GlobalPolicy) {
        self.bytes = bytes
        self.limits = limits
        self.policy = policy
        if case .scanOnly = policy { scanning = true } else { scanning = false }
        self.position = max(0, min(start, bytes.count))
        self.start = self.position
        let (limitEnd, overflow) = self.position.addingReportingOverflow(max(0, limits.maxBytes))
        self.end = overflow ? bytes.count : min(bytes.count, limitEnd)
    }

    // MARK: - Errors

    var fence: Int { marks.last ?? 0 }

    func underflow() -> PickleError { .stackUnderflow(opcode: opcode.name, offset: opcodeOffset) }

    /// The error for needing `count` more bytes than this pickle has: truncated data, or a pickle over the size limit.
    func pastEnd() -> PickleError {
        end < bytes.count
            ? .pickleTooLarge(limit: limits.maxBytes, offset: opcodeOffset)
            : .truncated(opcode: opcode.name, offset: opcodeOffset)
    }

    // MARK: - Reading arguments

    /// The next `count` bytes, checked against the data left before anything is allocated.
    func read(_ count: Int) throws(PickleError) -> ArraySlice<UInt8> {
        guard count >= 0 else { throw PickleError.negativeLength(opcode: opcode.name, length: Int64(count), offset: opcodeOffset) }
        guard count <= end - position else { throw pastEnd() }
        defer { position += count }
        return bytes[position..<position + count]
    }

    func readByte() throws(PickleError) -> UInt8 {
        guard position < end else { throw pastEnd() }
        defer { position += 1 }
        return bytes[position]
    }

    /// A little-endian unsigned integer of `width` bytes (at most 8).
    func readUnsigned(_ width: Int) throws(PickleError) -> UInt64 {
        let slice = try read(width)
        var value: UInt64 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
        return value
    }

    /// A length stored as an unsigned little-endian integer of `width` bytes; values past `Int.max` cannot be backed.
    func readLength(_ width: Int) throws(PickleError) -> Int {
        let raw = try readUnsigned(width)
        guard raw <= UInt64(Int.max) else { throw pastEnd() }
        return Int(raw)
    }

    /// A length stored as a signed 4-byte little-endian integer (BINSTRING, LONG4).
    func readSignedLength() throws(PickleError) -> Int {
        let value = Int32(bitPattern: UInt32(try readUnsigned(4)))
        guard value >= 0 else {
            throw PickleError.negativeLength(opcode: opcode.name, length: Int64(value), offset: opcodeOffset)
        }
        return Int(value)
    }

    /// A protocol 0 text argument: the bytes up to the next newline, which is consumed.
    func readLine() throws(PickleError) -> ArraySlice<UInt8> {
        guard let newline = bytes[position..<end].firstIndex(of: 0x0A) else { throw pastEnd() }
        defer { position = newline + 1 }
        return bytes[position..<newline]
    }

    func utf8(_ slice: ArraySlice<UInt8>) throws(PickleError) -> String {
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw PickleError.invalidUTF8(opcode: opcode.name, offset: opcodeOffset)
        }
        return string
    }

    // MARK: - Stack

    /// Pushes a value; the stack is bounded like a container, since each segment of it may become one.
    ///
    /// An open container (see `isOpen`) pushed above `maxDepth - 1` others and MARKs is refused at once: later
    /// opcodes could nest each into the one below (`{} 'k' {} 'k' ... SETITEM SETITEM ...`), and waiting for them
    /// would let a small pickle build a million containers before the depth check on SETITEM refuses it.
    func push(_ value: PickleValue) throws(PickleError) {
        guard stack.count < limits.maxStackValues else {
            throw PickleError.stackTooLarge(limit: limits.maxStackValues, offset: opcodeOffset)
        }
        if isFresh(value), isOpen(value) {
            let level = levelBelow + 1
            try checkDepth(level)
            openSlots.append((stack.count, level))
        }
        stack.append(value)
    }

    func pop() throws(PickleError) -> PickleValue {
        guard stack.count > fence else { throw underflow() }
        defer { dropOpenSlots() }
        return stack.removeLast()
    }

    /// Removes the top `count` values, which the caller checked are above the last MARK.
    func removeTop(_ count: Int) {
        stack.removeLast(count)
        dropOpenSlots()
    }

    func top() throws(PickleError) -> PickleValue {
        guard stack.count > fence, let value = stack.last else { throw underflow() }
        return value
    }

    /// A MARK counts as one level of nesting (what follows it becomes a tuple, list, ... or a call's arguments),
    /// except directly above an open container, which it only fills (APPENDS, SETITEMS, ADDITEMS).
    func pushMark() throws(PickleError) {
        guard marks.count < limits.maxDepth else {
            throw PickleError.depthLimitExceeded(limit: limits.maxDepth, offset: opcodeOffset)
        }
        var level = levelBelow
        if stack.count == fence || !isOpen(stack[stack.count - 1]) {
            level += 1
            try checkDepth(level)
        }
        marks.append(stack.count)
        markOffsets.append(opcodeOffset)
        markLevels.append(level)
    }

    /// Removes the last MARK, which has nothing above it (POP on an empty segment).
    func dropMark() {
        marks.removeLast()
        markOffsets.removeLast()
        markLevels.removeLast()
    }

    /// The values pushed since the last MARK, removing them and the MARK.
    func popMark() throws(PickleError) -> [PickleValue] {
        guard let height = marks.popLast() else {
            throw PickleError.missingMark(opcode: opcode.name, offset: opcodeOffset)
        }
        markOffsets.removeLast()
        markLevels.removeLast()
        let items = Array(stack[height...])
        stack.removeSubrange(height...)
        dropOpenSlots()
        return items
    }

    // MARK: - Nesting levels

    /// The level of the slot or MARK directly below the next push: levels never decrease going up the stack, so
    /// it is that of the highest open slot or MARK.
    var levelBelow: Int {
        max(openSlots.last?.level ?? 0, markLevels.last ?? 0)
    }

    /// Forgets open slots that are no longer on the stack.
    func dropOpenSlots() {
        while let last = openSlots.last, last.index >= stack.count { openSlots.removeLast() }
    }

    /// Whether `value` is an open container: a list, dict, set or recorded call with nothing in it yet (no
    /// arguments, items or state), which the values pushed after it may still be nested into. The pickler writes
    /// every container this way, empty first and filled after, so the open containers on the stack are the ones
    /// being written, one per level; finished values are not open, so siblings waiting in a batch do not count
    /// unless empty.
    func isOpen(_ value: PickleValue) -> Bool {
        switch node(value) {
        case .list(let box)?, .set(let box)?:
            return box.items.isEmpty
        case .dict(let box)?:
            return box.pairs.isEmpty
        case .instance(let box)?:
            let instance = box.instance
            return instance.arguments.isEmpty && instance.keywordArguments.isEmpty && instance.state == nil
                && instance.listItems.isEmpty && instance.dictItems.isEmpty
        default:
            return false
        }
    }

    /// Whether `value` is an object this opcode created. Only new objects count as levels: pushing the same
    /// object again (memo GET, DUP) allocates nothing, and CPython writes a GET for every repeated reference, so a
    /// list holding one empty list a thousand times is not refused.
    func isFresh(_ value: PickleValue) -> Bool {
        guard case .object(let id) = value else { return false }
        return id.index == nodes.count - 1 && lastAllocation == opcodeOffset
    }

    /// Stops counting the top slot as a level after an opcode filled the object there, which is then not open.
    func relevelTop() {
        guard let last = openSlots.last, last.index == stack.count - 1, !isOpen(stack[last.index]) else { return }
        openSlots.removeLast()
    }

    // MARK: - Heap

    func depth(of value: PickleValue) -> Int {
        if case .object(let id) = value { depths[id.index] } else { 0 }
    }

    func maxDepth<C: Collection>(of values: C) -> Int where C.Element == PickleValue {
        // A loop rather than a closure: a closure capturing `self` would copy the machine, and its arrays with it.
        var deepest = 0
        for value in values { deepest = max(deepest, depth(of: value)) }
        return deepest
    }

    func checkDepth(_ depth: Int) throws(PickleError) {
        guard depth <= limits.maxDepth else {
            throw PickleError.depthLimitExceeded(limit: limits.maxDepth, offset: opcodeOffset)
        }
    }

    func checkSize(_ count: Int) throws(PickleError) {
        guard count <= limits.maxContainerItems else {
            throw PickleError.containerTooLarge(limit: limits.maxContainerItems, offset: opcodeOffset)
        }
    }

    /// Adds `node`, whose direct children have depth at most `childDepth`, and returns a reference to it.
    func allocate(_ node: Node, childDepth: Int) throws(PickleError) -> PickleValue {
        guard nodes.count < limits.maxObjects else {
            throw PickleError.tooManyObjects(limit: limits.maxObjects, offset: opcodeOffset)
        }
        try checkDepth(childDepth + 1)
        nodes.append(node)
        depths.append(childDepth + 1)
        lastAllocation = opcodeOffset
        return .object(ObjectID(index: nodes.count - 1))
    }

    /// The object `value` refers to, if any (only values this machine created are ever on its stack).
    func node(_ value: PickleValue) -> Node? {
        if case .object(let id) = value { nodes[id.index] } else { nil }
    }

    /// Records that an opcode filled object `index` with children of depth `childDepth`: raises the object's
    /// depth, and stops counting the top slot as an open level (`relevelTop`) now that it holds something.
    func filled(_ index: Int, childDepth: Int) throws(PickleError) {
        try checkDepth(childDepth + 1)
        depths[index] = max(depths[index], childDepth + 1)
        relevelTop()
    }

    /// Keys longer than this are never merged with an equal earlier key: hashing them on every SETITEM would let a
    /// small pickle (one long string, then many `BINGET; BINGET; SETITEM`) cost quadratic time. Real keys (state
    /// dict names) are far shorter; with this bound a 5-byte SETITEM hashes at most 256 bytes.
    static let maxHashedKeyBytes = 256

    /// Python's notion of key identity for scalars (`1 == 1.0 == True`); nil for keys never merged: NaN, which
    /// equals nothing, and keys longer than `maxHashedKeyBytes`.
    static func keyIdentity(_ value: PickleValue) -> PickleValue? {
        switch value {
        case .string(let string) where string.utf8.count > maxHashedKeyBytes: return nil
        case .bytes(let bytes) where bytes.count > maxHashedKeyBytes: return nil
        case .bigInt(let bytes) where bytes.count > maxHashedKeyBytes: return nil
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .float(let number):
            if number.isNaN { return nil }
            if number == number.rounded(), number >= -0x1p63, number < 0x1p63 { return .int(Int64(number)) }
            return .float(number)
        default: return value
        }
    }

    /// Adds `key: value` pairs to `pairs` with Python dict semantics; `positions` indexes `pairs` by key.
    func insert(
        _ newPairs: [(key: PickleValue, value: PickleValue)], into pairs: inout [(key: PickleValue, value: PickleValue)],
        positions: inout [PickleValue: Int]
    ) throws(PickleError) {
        for pair in newPairs {
            if let identity = Self.keyIdentity(pair.key), let existing = positions[identity] {
                pairs[existing].value = pair.value
                continue
            }
            try checkSize(pairs.count + 1)
            if let identity = Self.keyIdentity(pair.key) { positions[identity] = pairs.count }
            pairs.append(pair)
        }
    }

    /// Adds `elements` to `items` with Python set semantics; `positions` indexes `items`.
    func insert(_ elements: [PickleValue], intoSet items: inout [PickleValue], positions: inout [PickleValue: Int]) throws(PickleError) {
        for element in elements {
            let identity = Self.keyIdentity(element)
            if let identity, positions[identity] != nil { continue }
            try checkSize(items.count + 1)
            if let identity { positions[identity] = items.count }
            items.append(element)
        }
    }

    /// A short description of what `value` is, for errors.
    func kindName(_ value: PickleValue) -> String {
        switch value {
        case .none: "None"
        case .bool: "a bool"
        case .int, .bigInt: "an int"
        case .float: "a float"
        case .string: "a str"
        case .bytes: "bytes"
        case .object(let id): nodes[id.index].object.kindName
        }
    }

    // MARK: - Memo

    func memoIndex(_ raw: UInt64) throws(PickleError) -> Int {
        guard raw < UInt64(max(0, limits.maxMemoEntries)) else {
            throw PickleError.memoIndexOverLimit(
                index: raw > UInt64(Int.max) ? Int.max : Int(raw), limit: limits.maxMemoEntries, offset: opcodeOffset)
        }
        return Int(raw)
    }

    func memoGet(_ raw: UInt64) throws(PickleError) {
        let index = try memoIndex(raw)
        guard let value = memo[index] else { throw PickleError.missingMemo(index: index, offset: opcodeOffset) }
        try push(value)
    }

    func memoPut(_ raw: UInt64) throws(PickleError) {
        let index = try memoIndex(raw)
        memo[index] = try top()
    }

    /// A protocol 0 memo index: a decimal line (GET, PUT).
    func readTextIndex() throws(PickleError) -> UInt64 {
        let line = try readLine()
        guard !line.isEmpty, line.count <= 19, line.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw PickleError.invalidLiteral(opcode: opcode.name, offset: opcodeOffset)
        }
        return line.reduce(0) { $0 * 10 + UInt64($1 - 0x30) }
    }

    // MARK: - Globals

    /// Checks a global against the policy, records it and returns the name CPython would import.
    func admitGlobal(module: String, name: String) throws(PickleError) -> GlobalName {
        let global = proto < 3 ? PythonTwoNames.resolve(module: module, name: name) : GlobalName(module: module, name: name)
        if case .allow(let allowed) = policy, !allowed.contains(global) {
            throw PickleError.disallowedGlobal(module: global.module, name: global.name, offset: opcodeOffset)
        }
        // INST names and calls its class at once: no bare NEWOBJ, so a recorded class may not be called this way.
        if case .recordClasses(let allowed) = policy, opcode == .inst, !allowed.contains(global) {
            throw PickleError.disallowedGlobal(module: global.module, name: global.name, offset: opcodeOffset)
        }
        globals.append(GlobalReference(global: global, offset: opcodeOffset))
        if scanning { references.append(PickleScan.Reference(global: global, offset: opcodeOffset, opcode: opcode.name)) }
        return global
    }

    /// A (global, opcode) pair, for recording each kind of use of a global once.
    struct UseKey: Hashable {
        let global: GlobalName
        let opcode: Opcode
    }

    /// Under `.scanOnly`, records the running opcode's use of `global` the first time this opcode uses it.
    func recordUse(_ global: GlobalName) {
        guard scanning, recordedUses.insert(UseKey(global: global, opcode: opcode)).inserted else { return }
        references.append(PickleScan.Reference(global: global, offset: opcodeOffset, opcode: opcode.name))
    }

    /// Under `.scanOnly`, the global that `target` (the object an APPEND, SETITEM, ADDITEMS or BUILD changes)
    /// is, after recording the change as a use of it: Python would call its `append`, `__setitem__`, `add` or
    /// `__setstate__` (or set its attributes), e.g. `os.environ['LD_PRELOAD'] = ...`. Nil for other targets.
    func changedGlobal(_ target: PickleValue) -> GlobalName? {
        guard scanning, case .fixed(.global(let name))? = node(target) else { return nil }
        recordUse(name)
        return name
    }

    /// The global `value` refers to; nil, under `.scanOnly` only, for any other value, whose call is then
    /// recorded as an opaque call (see `GlobalName.opaqueCall`) so that the scan goes on to later globals.
    func callee(_ value: PickleValue, bareNew: Bool = false) throws(PickleError) -> GlobalName? {
        if case .fixed(.global(let name))? = node(value) {
            recordUse(name)
            guard policy.admitsCall(of: name, bareNew: bareNew) else {
                let offset = if case .object(let id) = value { globalOffsets[id.index] ?? opcodeOffset } else { opcodeOffset }
                throw PickleError.disallowedGlobal(module: name.module, name: name.name, offset: offset)
            }
            return name
        }
        if scanning {
            recordUse(.opaqueCall)
            return nil
        }
        throw PickleError.callOfNonGlobal(opcode: opcode.name, found: kindName(value), offset: opcodeOffset)
    }

    func tupleItems(_ value: PickleValue, expected: String = "a tuple of arguments") throws(PickleError) -> [PickleValue] {
        if case .fixed(.tuple(let items))? = node(value) { return items }
        throw PickleError.wrongType(opcode: opcode.name, expected: expected, found: kindName(value), offset: opcodeOffset)
    }

    /// Records a call of `callee` instead of making it; a nil callee (see `callee(_:)`) records a call of `value`
    /// as `GlobalName.opaqueCall` with `value` as its first argument.
    func instantiate(
        _ callee: GlobalName?, of value: PickleValue, arguments: [PickleValue],
        keywords: [(key: PickleValue, value: PickleValue)] = []
    ) throws(PickleError) {
        guard let callee else {
            try instantiate(.opaqueCall, arguments: [value] + arguments, keywords: keywords)
            return
        }
        try instantiate(callee, arguments: arguments, keywords: keywords)
    }

    /// Records a call of `callee` instead of making it.
    func instantiate(
        _ callee: GlobalName, arguments: [PickleValue], keywords: [(key: PickleValue, value: PickleValue)] = []
    ) throws(PickleError) {
        let childDepth = max(maxDepth(of: arguments), maxDepth(of: keywords.lazy.flatMap { [$0.key, $0.value] }))
        let instance = PickleInstance(
            callee: callee, arguments: arguments, keywordArguments: keywords, offset: opcodeOffset)
        try push(try allocate(.instance(InstanceBox(instance)), childDepth: childDepth))
    }
}

/// A heap object while the machine runs.
///
/// Objects that opcodes grow (lists, sets, dicts, instances) live in class boxes so that growing one mutates its
/// array in place: an enum payload cannot be mutated without copying it, which would make n APPENDs cost n².
/// Boxes never point at each other (values refer to objects by index), so freeing them never recurses.
enum Node {
    case fixed(PickleObject)
    case list(ItemsBox)
    case set(ItemsBox)
    case dict(PairsBox)
    case instance(InstanceBox)

    /// The finished object.
    var object: PickleObject {
        switch self {
        case .fixed(let object): object
        case .list(let box): .list(box.items)
        case .set(let box): .set(box.items)
        case .dict(let box): .dict(box.pairs)
        case .instance(let box): .instance(box.instance)
        }
    }
}

final class ItemsBox {
    var items: [PickleValue]
    /// For sets: where each element's key identity sits in `items`.
    var positions: [PickleValue: Int] = [:]
    init(_ items: [PickleValue] = []) { self.items = items }
}

final class PairsBox {
    var pairs: [(key: PickleValue, value: PickleValue)] = []
    var positions: [PickleValue: Int] = [:]
}

final class InstanceBox {
    var instance: PickleInstance
    /// Where each key of `instance.dictItems` sits.
    var positions: [PickleValue: Int] = [:]
    init(_ instance: PickleInstance) { self.instance = instance }
}
