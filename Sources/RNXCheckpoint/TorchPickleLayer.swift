import RNXPickle
import RNXTensor

/// The torch meaning of a pickle the restricted machine ran: its storages, and the state dict's tensors as views.
///
/// Shared by the zip and legacy readers. It interprets recorded calls (`_rebuild_tensor_v2`, ...) itself and
/// checks every number against every other before any tensor byte is read.
struct TorchPickleLayer {
    /// Every storage the pickle declares, by key, in order of first appearance.
    private(set) var storages: [String: TorchStorage] = [:]
    private(set) var storageOrder: [String] = []
    /// The state dict's tensors in file order, names already stripped of wrapper prefixes.
    private(set) var tensors: [(name: String, view: TorchTensorView)] = []
    /// Where the state dict was, what was stripped, and the other entries.
    private(set) var stateDictPath: String?
    private(set) var strippedPrefixes: [String] = []
    private(set) var otherEntries: [(key: String, value: String)] = []
    /// The other dicts of tensors found, by path, with why they were not taken.
    private(set) var alsoFound: [(path: String, note: String)] = []
    /// The class of the pickled module (`torch.save(model)`, TorchScript) the weights were walked from.
    private(set) var moduleClass: String?

    let result: PickleResult
    var heap: PickleHeap { result.heap }
    /// In the tar format (torch < 0.1.10) the pickle names each tensor by a persistent id, the key of a record
    /// of the `tensors` entry: those records' views, by key. nil in the formats whose pickle rebuilds tensors.
    private let persistentTensors: [String: TorchTensorView]?

    /// Keys under which training checkpoints keep their weights, most specific first.
    static let stateDictKeys = [
        "state_dict", "model_state_dict", "model", "net", "network", "state_dict_ema", "model_ema", "ema",
        "ema_state_dict", "module", "params", "weights",
    ]
    /// Prefixes added by wrappers: DataParallel / DistributedDataParallel and torch.compile.
    static let wrapperPrefixes = ["module.", "_orig_mod."]

    /// Interprets `result`; the result's root must be (or hold) a mapping of names to tensors.
    ///
    /// The result may unfold to at most `maxUnfoldedObjects` objects as a tree (`PickleLimits`): the standard
    /// million is 25 times resnet1202's whole state dict, so it only refuses shared references doubled on purpose,
    /// which every walk and every printout would pay for.
    init(
        _ result: PickleResult, maxUnfoldedObjects: Int, selection: StateDictSelection = .automatic,
        persistentTensors: [String: TorchTensorView]? = nil
    ) throws {
        self.result = result
        self.persistentTensors = persistentTensors
        switch result.heap.unfolding(of: result.root, limit: maxUnfoldedObjects) {
        case .cycle: throw CheckpointError.pickleCycle
        case .exceeds(let limit): throw CheckpointError.pickleUnfoldsTooLarge(limit: limit)
        case .tree: break
        }
        // A storage type rnx has no dtype for (quantized, complex) is refused after the state dict is found, so
        // that a tensor rnx does not convert is refused by its key and kind rather than by its storage's type.
        try checkRecordedClasses()
        var unsupported: CheckpointError?
        do {
            if persistentTensors == nil { try collectStorages() }
        } catch let error as CheckpointError {
            guard case .unsupportedStorageType = error else { throw error }
            unsupported = error
        }
        try locateStateDict(selection)
        if let unsupported { throw unsupported }
    }

    // MARK: storages

    private mutating func collectStorages() throws {
        for (index, object) in heap.objects.enumerated() {
            guard case .persistent(let id) = object else { continue }
            let storage = try parseStorage(id, offset: heap.persistentIDOffset(ObjectID(index: index)) ?? 0)
            if let existing = storages[storage.key] {
                guard existing.dtype == storage.dtype, existing.byteCount == storage.byteCount else {
                    throw CheckpointError.storageConflict(key: storage.key)
                }
            } else {
                storages[storage.key] = storage
                storageOrder.append(storage.key)
            }
        }
    }

    /// Parses `('storage', storage_type, key, location, numel[, view_metadata])`; `offset` is where the
    /// BINPERSID (or PERSID) opcode is, which every error names.
    private func parseStorage(_ id: PickleValue, offset: Int) throws -> TorchStorage {
        let bad = { (reason: String) in CheckpointError.unexpectedPickle(reason: reason, offset: offset) }
        guard let fields = sequence(id), fields.count == 5 || fields.count == 6,
              case .string("storage") = fields[0]
        else { throw bad("persistent id is not a torch storage") }
        let key: String
        switch fields[2] {
        case .string(let text): key = text
        case .int(let number): key = String(number)
        default: throw bad("storage key is not a string")
        }
        guard let type = heap.global(fields[1]) else { throw bad("storage '\(key)' has no storage type") }
        guard let dtype = TorchGlobals.dtype(of: type) else {
            throw CheckpointError.unsupportedStorageType(type.description)
        }
        guard case .string(let location) = fields[3] else { throw bad("storage '\(key)' location is not a string") }
        if case .bigInt = fields[4] { throw bad("storage '\(key)' declares a size that does not fit in 64 bits") }
        guard case .int(let numel64) = fields[4] else { throw bad("storage '\(key)' size is not an integer") }
        guard numel64 >= 0, let numel = Int(exactly: numel64) else {
            throw bad("storage '\(key)' declares a negative size (\(numel64) elements)")
        }
        guard let bytes = CheckedArithmetic.multiply(numel, dtype.byteSize) else {
            throw bad("storage '\(key)' declares \(numel) elements of \(dtype.byteSize) bytes, which overflows")
        }
        if fields.count == 6, fields[5] != .none { throw CheckpointError.unsupportedStorageView(key: key) }
        return TorchStorage(key: key, dtype: dtype, elementCount: numel, byteCount: bytes, location: location)
    }

    // MARK: finding the state dict

    private mutating func locateStateDict(_ selection: StateDictSelection) throws {
        let items = mapping(result.root) ?? []
        let rootIsModule = try moduleStateDict(result.root) != nil
        guard mapping(result.root) != nil || rootIsModule else {
            throw CheckpointError.noStateDict(found: kind(result.root))
        }
        let candidates = try self.candidates()
        guard !candidates.isEmpty else {
            if let key = selection.key { throw CheckpointError.keyNotFound(key: key, available: []) }
            let keys = items.prefix(8).map { render($0.key) }
            throw CheckpointError.noStateDict(found: "a mapping with keys [\(keys.joined(separator: ", "))] and no tensors")
        }
        let (chosen, others) = try choose(among: candidates, selection)
        alsoFound = others
        moduleClass = chosen.moduleClass
        let path = chosen.path
        if path.isEmpty {
            try takeStateDict(chosen.items, path: nil, siblings: [], selection: selection)
        } else {
            // The root's other entries, as before: everything but the chosen dict's top-level key.
            let siblings = items.filter { name(of: $0.key) != path[0] }
            try takeStateDict(chosen.items, path: path.joined(separator: "."), siblings: siblings, selection: selection)
        }
    }

    private mutating func takeStateDict(
        _ items: [(key: PickleValue, value: PickleValue)], path: String?, siblings: [(key: PickleValue, value: PickleValue)],
        selection: StateDictSelection
    ) throws {
        stateDictPath = path
        for sibling in siblings {
            otherEntries.append((key: name(of: sibling.key), value: render(sibling.value)))
        }
        var named: [(String, TorchTensorView)] = []
        for item in items {
            guard case .string(let key) = item.key else {
                throw CheckpointError.nonStringKey(render(item.key))
            }
            if let view = try tensorView(item.value, name: key) {
                named.append((key, view))
            } else {
                let prefix = path.map { $0 + "." } ?? ""
                otherEntries.append((key: prefix + key, value: render(item.value)))
            }
        }
        let (stripped, prefixes) = Self.strip(named.map(\.0), shapes: named.map { ($0.1.dtype, $0.1.shape) },
                                              recognizer: selection.recognizesModel)
        strippedPrefixes = prefixes
        named = zip(stripped, named).map { ($0, $1.1) }
        var seen = Set<String>()
        for (name, _) in named where !seen.insert(name).inserted { throw CheckpointError.duplicateTensor(name) }
        tensors = named.map { (name: $0.0, view: $0.1) }
    }

    func name(of key: PickleValue) -> String {
        if case .string(let text) = key { return text }
        return render(key)
    }

    // MARK: tensors

    /// The instance of a tensor-building call, if `value` is one (including kinds rnx does not convert).
    private func tensorInstance(_ value: PickleValue) -> PickleInstance? {
        guard let instance = heap.instance(value), TorchGlobals.isTensorRebuild(instance.callee) else { return nil }
        return instance
    }

    func isTensor(_ value: PickleValue) -> Bool {
        guard persistentTensors != nil else { return tensorInstance(value) != nil }
        if heap.persistentID(value) != nil { return true }
        return heap.instance(value)?.callee == TorchGlobals.parameter
    }

    /// The view a tensor value describes, nil if the value is no tensor.
    ///
    /// Throws `unconvertedTensor` for tensors torch can pickle that rnx does not convert (quantized, sparse, ...).
    func tensorView(_ value: PickleValue, name: String, depth: Int = 0) throws -> TorchTensorView? {
        if let table = persistentTensors { return try persistentTensorView(value, name: name, table: table) }
        guard let instance = tensorInstance(value) else { return nil }
        guard instance.listItems.isEmpty, instance.dictItems.isEmpty, instance.state == nil else {
            throw CheckpointError.tensorMutated(offset: instance.offset)
        }
        return try tensorView(callee: instance.callee, arguments: instance.arguments, offset: instance.offset,
                              name: name, depth: depth)
    }

    /// The view `callee(*arguments)` describes; `offset` is where the call was recorded, `depth` how many
    /// wrapping calls (parameter, `_rebuild_from_type_v2`) lie around it, of which torch writes at most two.
    private func tensorView(
        callee: GlobalName, arguments args: [PickleValue], offset: Int, name: String, depth: Int
    ) throws -> TorchTensorView {
        let bad = { (what: String) in
            CheckpointError.unexpectedPickle(reason: "\(callee.name) for '\(name)': \(what)", offset: offset)
        }
        if let kind = TorchGlobals.unconvertedTensorKinds[callee] {
            throw CheckpointError.unconvertedTensor(name: name, kind: kind, function: callee.description, offset: offset)
        }
        guard depth < 3 else { throw bad("tensor rebuilds nested more than torch writes") }
        switch callee {
        case TorchGlobals.rebuildParameter, TorchGlobals.rebuildParameterWithState:
            let expected = callee == TorchGlobals.rebuildParameter ? 3 : 4
            guard args.count == expected else { throw bad("expected \(expected) arguments around a tensor") }
            guard let inner = try tensorView(args[0], name: name, depth: depth + 1) else { throw bad("data is not a tensor") }
            return inner
        case TorchGlobals.rebuildFromType:
            // (func, new_type, args, state): `func(*args)`, then the type and attributes torch gives it.
            guard args.count == 4, let function = heap.global(args[0]), let inner = sequence(args[2]) else {
                throw bad("expected (function, type, arguments, state)")
            }
            guard let type = heap.global(args[1]) else { throw bad("type is not a global") }
            guard TorchGlobals.plainTensorTypes.contains(type) else {
                throw CheckpointError.unconvertedTensor(
                    name: name, kind: "a tensor subclass (\(type))", function: callee.description, offset: offset)
            }
            guard TorchGlobals.isTensorRebuild(function), function != TorchGlobals.rebuildFromType else {
                throw bad("\(function) does not build a tensor")
            }
            return try tensorView(callee: function, arguments: inner, offset: offset, name: name, depth: depth + 1)
        default:
            let counts: ClosedRange<Int> = switch callee {
            case TorchGlobals.rebuildTensor: 4...4
            case TorchGlobals.rebuildTensorV3: 7...8
            default: 6...7
            }
            guard counts.contains(args.count) else { throw bad("unexpected argument count \(args.count)") }
            guard case .object(let sid) = args[0], heap.objects.indices.contains(sid.index),
                  case .persistent(let pid) = heap[sid]
            else { throw bad("storage is not a persistent id") }
            let storage = try parseStorage(pid, offset: heap.persistentIDOffset(sid) ?? offset)
            guard case .int(let offset64) = args[1], let storageOffset = Int(exactly: offset64) else {
                throw bad("storage offset is not an integer")
            }
            guard let shape = intTuple(args[2]), let stride = intTuple(args[3]) else {
                throw bad("size or stride is not a tuple of integers")
            }
            var dtype = storage.dtype
            if callee == TorchGlobals.rebuildTensorV3 {
                guard let global = heap.global(args[6]) else { throw bad("dtype is not a torch dtype") }
                guard let v3 = TorchGlobals.dtype(of: global) else {
                    throw CheckpointError.unsupportedStorageType(global.description)
                }
                dtype = v3
            }
            return TorchTensorView(dtype: dtype, shape: shape, stride: stride, offset: storageOffset, storageKey: storage.key)
        }
    }

    /// A tensor of the tar format: a persistent id whose `int()` is a key of the `tensors` entry, or a
    /// `torch.nn.parameter.Parameter` built empty (NEWOBJ) whose BUILD state is torch 0.1's Variable state,
    /// `(data, grad, creator, requires_grad, volatile)`, data being such a persistent id. Nothing else is a tensor.
    private func persistentTensorView(_ value: PickleValue, name: String, table: [String: TorchTensorView]) throws
        -> TorchTensorView?
    {
        if let instance = heap.instance(value), instance.callee == TorchGlobals.parameter {
            let bad = CheckpointError.unexpectedPickle(
                reason: "Parameter for '\(name)' is not torch 0.1's (data, grad, creator, requires_grad, volatile)",
                offset: instance.offset)
            guard instance.arguments.isEmpty, instance.listItems.isEmpty, instance.dictItems.isEmpty,
                  let state = instance.state, let fields = sequence(state), (4...5).contains(fields.count),
                  heap.persistentID(fields[0]) != nil
            else { throw bad }
            return try persistentTensorView(fields[0], name: name, table: table)
        }
        guard case .object(let object) = value, let id = heap.persistentID(value) else { return nil }
        let offset = heap.persistentIDOffset(object) ?? 0
        let key: String
        switch id {
        case .int(let number): key = String(number)
        case .string(let text) where Int64(text) != nil: key = String(Int64(text) ?? 0)  // torch takes int(saved_id)
        default:
            throw CheckpointError.unexpectedPickle(reason: "persistent id of '\(name)' is not a tensor key", offset: offset)
        }
        guard let view = table[key] else {
            throw CheckpointError.unexpectedPickle(
                reason: "persistent id \(key) of '\(name)' names no record of the tensors entry", offset: offset)
        }
        return view
    }

    // MARK: value helpers

    /// The items of a dict or OrderedDict, nil for anything else.
    func mapping(_ value: PickleValue) -> [(key: PickleValue, value: PickleValue)]? {
        switch heap.object(value) {
        case .dict(let items)?: return items
        case .instance(let instance)? where instance.callee == TorchGlobals.orderedDict:
            // OrderedDict() then SETITEMS, as torch writes it; the BUILD state holds `_metadata`, which rnx ignores.
            var items: [(key: PickleValue, value: PickleValue)] = []
            if let first = instance.arguments.first, let pairs = sequence(first) {
                for pair in pairs {
                    guard let kv = sequence(pair), kv.count == 2 else { return nil }
                    items.append((key: kv[0], value: kv[1]))
                }
            }
            return items + instance.dictItems
        default: return nil
        }
    }

    func sequence(_ value: PickleValue) -> [PickleValue]? {
        heap.tuple(value) ?? heap.list(value)
    }

    /// A tuple of integers, or `torch.Size(tuple)`.
    private func intTuple(_ value: PickleValue) -> [Int]? {
        if let instance = heap.instance(value), instance.callee == TorchGlobals.torchSize,
           let first = instance.arguments.first {
            return intTuple(first)
        }
        guard let items = sequence(value) else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let v) = item, let i = Int(exactly: v) else { return nil }
            out.append(i)
        }
        return out
    }

    private func kind(_ value: PickleValue) -> String {
        switch value {
        case .none: return "None"
        case .bool, .int, .bigInt, .float, .string, .bytes: return "a single value"
        case .object:
            switch heap.object(value) {
            case nil: return "an object"
            case .tuple?: return "a tuple"
            case .list?: return "a list"
            case .instance(let instance)? where isTensor(value): return "a single tensor (\(instance.callee.name))"
            case .instance(let instance)?: return "a \(instance.callee.description)"
            default: return "a value that is not a mapping"
            }
        }
    }
}
