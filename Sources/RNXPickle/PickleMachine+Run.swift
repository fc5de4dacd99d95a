extension PickleMachine {
    /// Runs opcodes until STOP and returns what the pickle built.
    func run() throws(PickleError) -> PickleResult {
        while true {
            opcodeOffset = position
            guard position < end else {
                throw end < bytes.count
                    ? PickleError.pickleTooLarge(limit: limits.maxBytes, offset: position)
                    : PickleError.missingStop(offset: position)
            }
            let byte = bytes[position]
            guard let decoded = Opcode(rawValue: byte) else {
                throw PickleError.unknownOpcode(byte: byte, offset: position)
            }
            opcode = decoded
            position += 1
            if decoded == .stop {
                let root = try pop()
                if let markOffset = markOffsets.last {
                    throw PickleError.unclosedMark(markOffset: markOffset, offset: opcodeOffset)
                }
                var heap = PickleHeap()
                heap.objects = nodes.map(\.object)
                heap.persistentIDOffsets = persistentIDOffsets
                return PickleResult(
                    root: root, heap: heap, globals: globals, references: references, endOffset: position, proto: proto)
            }
            try step(decoded)
        }
    }

    /// Runs one opcode other than STOP.
    func step(_ op: Opcode) throws(PickleError) {
        switch op {
        case .stop:
            break

        // Stack and protocol housekeeping.
        case .mark:
            try pushMark()
        case .pop:
            if let height = marks.last, height == stack.count {
                dropMark()
            } else {
                _ = try pop()
            }
        case .popMark:
            _ = try popMark()
        case .dup:
            try push(try top())
        case .proto:
            let version = Int(try readByte())
            guard version <= 5 else { throw PickleError.unsupportedProtocol(version: version, offset: opcodeOffset) }
            proto = version
        case .frame:
            // A hint for buffered readers; the data is already in memory, so only its length is checked.
            let length = try readLength(8)
            guard length <= end - position else { throw pastEnd() }

        // Scalars.
        case .none:
            try push(.none)
        case .newTrue:
            try push(.bool(true))
        case .newFalse:
            try push(.bool(false))
        case .binInt:
            try push(.int(Int64(Int32(bitPattern: UInt32(try readUnsigned(4))))))
        case .binInt1:
            try push(.int(Int64(try readUnsigned(1))))
        case .binInt2:
            try push(.int(Int64(try readUnsigned(2))))
        case .int:
            try push(try parseIntLine(try readLine()))
        case .long:
            var line = try readLine()
            if line.last == UInt8(ascii: "L") { line = line.dropLast() }
            guard let value = PickleInteger.decimal(line) else {
                throw PickleError.invalidLiteral(opcode: op.name, offset: opcodeOffset)
            }
            try push(value)
        case .long1:
            try push(PickleInteger.twosComplement(try read(Int(try readUnsigned(1)))))
        case .long4:
            try push(PickleInteger.twosComplement(try read(try readSignedLength())))
        case .float:
            try push(try parseFloatLine(try readLine()))
        case .binFloat:
            // BINFLOAT is the one big-endian argument.
            try push(.float(Double(bitPattern: try readUnsigned(8).byteSwapped)))

        // Strings and bytes.
        case .string:
            try push(.string(try utf8(try decodeQuotedString(try readLine())[...])))
        case .binString:
            try push(.string(try utf8(try read(try readSignedLength()))))
        case .shortBinString, .shortBinUnicode:
            try push(.string(try utf8(try read(Int(try readByte())))))
        case .unicode:
            try push(.string(try decodeRawUnicodeEscape(try readLine())))
        case .binUnicode:
            try push(.string(try utf8(try read(try readLength(4)))))
        case .binUnicode8:
            try push(.string(try utf8(try read(try readLength(8)))))
        case .shortBinBytes:
            try push(.bytes(Array(try read(Int(try readByte())))))
        case .binBytes:
            try push(.bytes(Array(try read(try readLength(4)))))
        case .binBytes8, .byteArray8:
            // A bytearray is kept as bytes: the machine never mutates values, so the difference does not matter.
            try push(.bytes(Array(try read(try readLength(8)))))
        case .nextBuffer, .readonlyBuffer:
            throw PickleError.outOfBandBuffer(opcode: op.name, offset: opcodeOffset)

        // Containers.
        case .emptyTuple:
            try push(try allocate(.fixed(.tuple([])), childDepth: 0))
        case .tuple1, .tuple2, .tuple3:
            let count = Int(op.rawValue - Opcode.tuple1.rawValue) + 1
            guard stack.count - fence >= count else { throw underflow() }
            let items = Array(stack.suffix(count))
            removeTop(count)
            try push(try allocate(.fixed(.tuple(items)), childDepth: maxDepth(of: items)))
        case .tuple:
            let items = try popMark()
            try checkSize(items.count)
            try push(try allocate(.fixed(.tuple(items)), childDepth: maxDepth(of: items)))
        case .emptyList:
            try push(try allocate(.list(ItemsBox()), childDepth: 0))
        case .list:
            let items = try popMark()
            try checkSize(items.count)
            try push(try allocate(.list(ItemsBox(items)), childDepth: maxDepth(of: items)))
        case .emptyDict:
            try push(try allocate(.dict(PairsBox()), childDepth: 0))
        case .dict:
            let items = try popMark()
            let value = try allocate(.dict(PairsBox()), childDepth: 0)
            try push(value)
            try setItems(pairs(items), on: value)
        case .emptySet:
            try push(try allocate(.set(ItemsBox()), childDepth: 0))
        case .frozenSet:
            let items = try popMark()
            var elements: [PickleValue] = []
            var positions: [PickleValue: Int] = [:]
            try insert(items, intoSet: &elements, positions: &positions)
            try push(try allocate(.fixed(.frozenSet(elements)), childDepth: maxDepth(of: elements)))
        case .append:
            let item = try pop()
            try append([item], to: try top())
        case .appends:
            let items = try popMark()
            try append(items, to: try top())
        case .setItem:
            let value = try pop()
            let key = try pop()
            try setItems([(key, value)], on: try top())
        case .setItems:
            let items = try popMark()
            try setItems(pairs(items), on: try top())
        case .addItems:
            let items = try popMark()
            try addItems(items, to: try top())

        // Memo.
        case .get:
            try memoGet(try readTextIndex())
        case .binGet:
            try memoGet(try readUnsigned(1))
        case .longBinGet:
            try memoGet(try readUnsigned(4))
        case .put:
            try memoPut(try readTextIndex())
        case .binPut:
            try memoPut(try readUnsigned(1))
        case .longBinPut:
            try memoPut(try readUnsigned(4))
        case .memoize:
            try memoPut(UInt64(memo.count))

        // Globals, calls and persistent ids: recorded, never resolved or called.
        case .global:
            let module = try utf8(try readLine())
            let name = try utf8(try readLine())
            try push(try allocate(.fixed(.global(try admitGlobal(module: module, name: name))), childDepth: 0))
            globalOffsets[nodes.count - 1] = opcodeOffset
        case .stackGlobal:
            let name = try pop()
            let module = try pop()
            if scanning, let computed = computedGlobal(module: module, name: name) {
                // Python would import whatever the computed strings turn out to be: recorded, never guessed.
                try push(try allocate(.fixed(.global(try admitGlobal(module: computed.module, name: computed.name))),
                                      childDepth: 0))
                globalOffsets[nodes.count - 1] = opcodeOffset
                return
            }
            guard case .string(let moduleName) = module, case .string(let globalName) = name else {
                throw PickleError.wrongType(
                    opcode: op.name, expected: "two strings", found: "\(kindName(module)) and \(kindName(name))",
                    offset: opcodeOffset)
            }
            try push(try allocate(.fixed(.global(try admitGlobal(module: moduleName, name: globalName))), childDepth: 0))
            globalOffsets[nodes.count - 1] = opcodeOffset
        case .inst:
            let module = try utf8(try readLine())
            let name = try utf8(try readLine())
            let global = try admitGlobal(module: module, name: name)
            try instantiate(global, arguments: try popMark())
        case .obj:
            var items = try popMark()
            guard !items.isEmpty else { throw underflow() }
            let called = items.removeFirst()
            try instantiate(try callee(called), of: called, arguments: items)
        case .reduce, .newObj:
            let arguments = try pop()
            let called = try pop()
            var noArguments = false
            if case .fixed(.tuple(let items))? = node(arguments) { noArguments = items.isEmpty }
            let global = try callee(called, bareNew: op == .newObj && noArguments)
            try instantiate(global, of: called, arguments: try tupleItems(arguments))
        case .newObjEx:
            let keywords = try pop()
            let arguments = try pop()
            let called = try pop()
            let global = try callee(called)
            guard case .dict(let box)? = node(keywords) else {
                throw PickleError.wrongType(
                    opcode: op.name, expected: "a dict of keyword arguments", found: kindName(keywords),
                    offset: opcodeOffset)
            }
            try instantiate(global, of: called, arguments: try tupleItems(arguments), keywords: box.pairs)
        case .build:
            let state = try pop()
            try build(state, on: try top())
        case .persID:
            let line = try readLine()
            guard line.allSatisfy({ $0 < 0x80 }) else {
                throw PickleError.invalidLiteral(opcode: op.name, offset: opcodeOffset)
            }
            try push(try allocate(.fixed(.persistent(.string(try utf8(line)))), childDepth: 0))
            persistentIDOffsets[nodes.count - 1] = opcodeOffset
        case .binPersID:
            let id = try pop()
            try push(try allocate(.fixed(.persistent(id)), childDepth: depth(of: id)))
            persistentIDOffsets[nodes.count - 1] = opcodeOffset
        case .ext1, .ext2, .ext4:
            let width = op == .ext1 ? 1 : op == .ext2 ? 2 : 4
            throw PickleError.extensionCode(code: Int(try readUnsigned(width)), offset: opcodeOffset)
        }
    }

    /// Under `.scanOnly`, the name STACK_GLOBAL imports when its operands are not both strings in the file: each
    /// operand that is not a string is `PickleScan.computed`. Nil when both are strings (or not scanning).
    func computedGlobal(module: PickleValue, name: PickleValue) -> GlobalName? {
        func text(_ value: PickleValue) -> String? { if case .string(let string) = value { string } else { nil } }
        if text(module) != nil && text(name) != nil { return nil }
        return GlobalName(module: text(module) ?? PickleScan.computed, name: text(name) ?? PickleScan.computed)
    }

    /// Consecutive key, value pairs of `items`.
    func pairs(_ items: [PickleValue]) throws(PickleError) -> [(key: PickleValue, value: PickleValue)] {
        guard items.count % 2 == 0 else { throw PickleError.oddItemCount(opcode: opcode.name, offset: opcodeOffset) }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    /// The heap index `target` refers to, or an error naming what it is for opcodes that mutate objects.
    func mutableTarget(_ target: PickleValue) throws(PickleError) -> Int {
        guard case .object(let id) = target else {
            throw PickleError.invalidTarget(opcode: opcode.name, target: kindName(target), offset: opcodeOffset)
        }
        return id.index
    }

    func refuse(_ index: Int) -> PickleError {
        .invalidTarget(opcode: opcode.name, target: nodes[index].object.kindName, offset: opcodeOffset)
    }

    /// APPEND and APPENDS: lists grow, instances record the items.
    func append(_ items: [PickleValue], to target: PickleValue) throws(PickleError) {
        if changedGlobal(target) != nil { return }
        let index = try mutableTarget(target)
        switch nodes[index] {
        case .list(let box):
            try checkSize(box.items.count + items.count)
            box.items.append(contentsOf: items)
        case .instance(let box):
            try checkSize(box.instance.listItems.count + items.count)
            box.instance.listItems.append(contentsOf: items)
        default:
            throw refuse(index)
        }
        try filled(index, childDepth: maxDepth(of: items))
    }

    /// SETITEM and SETITEMS: dicts and instances take key, value pairs.
    func setItems(_ pairs: [(key: PickleValue, value: PickleValue)], on target: PickleValue) throws(PickleError) {
        if changedGlobal(target) != nil { return }
        let index = try mutableTarget(target)
        switch nodes[index] {
        case .dict(let box):
            try insert(pairs, into: &box.pairs, positions: &box.positions)
        case .instance(let box):
            try insert(pairs, into: &box.instance.dictItems, positions: &box.positions)
        default:
            throw refuse(index)
        }
        var deepest = 0
        for pair in pairs { deepest = max(deepest, depth(of: pair.key), depth(of: pair.value)) }
        try filled(index, childDepth: deepest)
    }

    /// ADDITEMS: sets take elements, instances record them as list items (CPython calls their `add`).
    func addItems(_ items: [PickleValue], to target: PickleValue) throws(PickleError) {
        if changedGlobal(target) != nil { return }
        let index = try mutableTarget(target)
        switch nodes[index] {
        case .set(let box):
            try insert(items, intoSet: &box.items, positions: &box.positions)
        case .instance(let box):
            try checkSize(box.instance.listItems.count + items.count)
            box.instance.listItems.append(contentsOf: items)
        default:
            throw refuse(index)
        }
        try filled(index, childDepth: maxDepth(of: items))
    }

    /// BUILD: only instances take a state.
    func build(_ state: PickleValue, on target: PickleValue) throws(PickleError) {
        if changedGlobal(target) != nil { return }
        let index = try mutableTarget(target)
        guard case .instance(let box) = nodes[index] else { throw refuse(index) }
        recordUse(box.instance.callee)
        box.instance.state = state
        try filled(index, childDepth: depth(of: state))
    }
}
