import RNXPickle
import RNXTensor

/// Finding the model among every dict of tensors a checkpoint holds (see `StateDictSelection`).
extension TorchPickleLayer {
    /// A mapping in the pickle with at least one tensor value.
    struct Candidate {
        /// Keys (and list indices) from the root, e.g. `["optimizer", "state", "0"]`; empty for the root.
        let path: [String]
        let items: [(key: PickleValue, value: PickleValue)]
        /// The tensors' names and (dtype, shape), nil for a tensor rnx cannot describe (unconverted kinds).
        let tensors: [(name: String, dtype: DType, shape: [Int])?]
        /// Position in the walk, for ties.
        let order: Int
        /// The class of the pickled module the tensors were walked from, nil for a dict.
        var moduleClass: String? = nil

        var dotted: String { path.joined(separator: ".") }
        var isComplete: Bool { !tensors.contains { $0 == nil } }
        var tensorCount: Int { tensors.count }
        /// Two or more tensors, one a matrix or more: a model rather than a metric or one optimizer buffer.
        var isModelLike: Bool { tensors.count >= 2 && tensors.contains { ($0?.shape.count ?? 0) >= 2 } }
    }

    /// How deep the walk looks for dicts of tensors (Lightning's optimizer buffers sit at depth 4).
    static let candidateDepth = 6

    /// Every dict of tensors reachable from the root through mappings, lists and tuples, in file order.
    func candidates() throws -> [Candidate] {
        var found: [Candidate] = []
        var stack: [(value: PickleValue, path: [String])] = [(result.root, [])]
        var seen = Set<Int>()
        while let (value, path) = stack.popLast() {
            if case .object(let id) = value, !seen.insert(id.index).inserted { continue }
            var children: [(PickleValue, [String])] = []
            // A pickled module (torch.save(model), TorchScript) stands for its state dict.
            let module = try moduleStateDict(value)
            if let items = module ?? mapping(value) {
                var tensors: [(name: String, dtype: DType, shape: [Int])?] = []
                for item in items {
                    let key = name(of: item.key)
                    // A tensor under a key that is no string still counts: taken, it is refused as `nonStringKey`.
                    if isTensor(item.value) {
                        if let view = try? tensorView(item.value, name: key) {
                            tensors.append((key, view.dtype, view.shape))
                        } else {
                            tensors.append(nil)
                        }
                    } else {
                        children.append((item.value, path + [key]))
                    }
                }
                if !tensors.isEmpty {
                    var candidate = Candidate(path: path, items: items, tensors: tensors, order: found.count)
                    if module != nil { candidate.moduleClass = heap.instance(value)?.callee.description }
                    found.append(candidate)
                }
            } else if let items = sequence(value), !isTensor(value) {
                children = items.enumerated().map { ($0.element, path + [String($0.offset)]) }
            }
            guard path.count < Self.candidateDepth else { continue }
            stack.append(contentsOf: children.reversed())
        }
        return found
    }

    /// The candidate `selection` asks for, and the others with a note each (collapsed to their top-level key).
    func choose(among candidates: [Candidate], _ selection: StateDictSelection) throws
        -> (Candidate, [(path: String, note: String)])
    {
        let recognizer = selection.recognizesModel
        func isResNet(_ candidate: Candidate) -> Bool {
            guard let recognizer, candidate.isComplete else { return false }
            let tensors = candidate.tensors.compactMap { $0 }
            let (names, _) = Self.strip(tensors.map(\.name), shapes: tensors.map { ($0.dtype, $0.shape) },
                                        recognizer: recognizer)
            return recognizer(zip(names, tensors).map { TensorDescriptor(name: $0, dtype: $1.dtype, shape: $1.shape) })
        }
        let resnets = candidates.filter(isResNet)
        let chosen: Candidate
        var sameLayout: [Candidate] = []
        if let key = selection.key {
            guard let match = candidates.first(where: { $0.dotted == key }) else {
                throw CheckpointError.keyNotFound(key: key, available: Self.collapsed(candidates.map(\.path), except: []))
            }
            chosen = match
        } else {
            var pool = resnets.isEmpty ? candidates.filter(\.isModelLike) : resnets
            if pool.isEmpty {
                pool = [candidates.max { ($0.tensorCount, -$0.order) < ($1.tensorCount, -$1.order) } ?? candidates[0]]
            }
            let layouts = Set(pool.map(Self.layout))
            guard layouts.count == 1 else {
                throw CheckpointError.severalModels(paths: pool.map(\.dotted), tensorCounts: pool.map(\.tensorCount))
            }
            chosen = pool.min { Self.rank($0).lexicographicallyPrecedes(Self.rank($1)) } ?? pool[0]
            sameLayout = pool
        }
        var notes: [(path: String, note: String)] = []
        for candidate in candidates where candidate.order != chosen.order {
            let note = sameLayout.contains { $0.order == candidate.order } || Self.layout(candidate) == Self.layout(chosen)
                ? "same layout"
                : candidate.isModelLike ? (recognizer != nil && !isResNet(candidate) ? "not a ResNet" : "a model")
                : "not a model"
            // Tensors at the root are shown by name (`best_acc1`), nested dicts by their top-level key.
            let shown = candidate.path.isEmpty
                ? candidate.tensors.prefix(3).compactMap { $0?.name }.joined(separator: ", ")
                : Self.collapsed([candidate.path], except: chosen.path)[0]
            if let index = notes.firstIndex(where: { $0.path == shown }) {
                // One note per shown key: the strongest reason to look at it.
                let strength = ["same layout": 0, "a model": 1, "not a ResNet": 2, "not a model": 3]
                if strength[note] ?? 4 < strength[notes[index].note] ?? 4 { notes[index].note = note }
            } else {
                notes.append((path: shown, note: note))
            }
        }
        return (chosen, notes.filter { $0.path != chosen.dotted })
    }

    /// Names and shapes, order-independent: copies of one model share it.
    static func layout(_ candidate: Candidate) -> [String] {
        candidate.tensors.map { $0.map { "\($0.name):\($0.shape)" } ?? "?" }.sorted()
    }

    /// Lower is preferred: each path component by its place in `stateDictKeys`, then shorter, then file order.
    static func rank(_ candidate: Candidate) -> [Int] {
        candidate.path.map { stateDictKeys.firstIndex(of: $0) ?? stateDictKeys.count } + [Int.max, candidate.order]
    }

    /// Each path as its top-level key, or whole when it shares that key with `chosen` (`model.ema` beside
    /// `model.online`); repeated ones once, in order.
    static func collapsed(_ paths: [[String]], except chosen: [String]) -> [String] {
        var out: [String] = []
        for path in paths {
            let shown = path.isEmpty ? "" : (!chosen.isEmpty && path[0] == chosen[0] ? path.joined(separator: ".") : path[0])
            if !out.contains(shown) { out.append(shown) }
        }
        return out
    }

    /// Strips a common prefix: with a recognizer, the fewest leading components of the keys that make them a model
    /// it accepts (`model.`, `module._orig_mod.`, `net.`); otherwise, and when none does, the wrapper prefixes
    /// (`module.`, `_orig_mod.`) in any order and number. Returns the names and the prefixes stripped, in order.
    static func strip(
        _ names: [String], shapes: [(DType, [Int])], recognizer: (@Sendable ([TensorDescriptor]) -> Bool)?
    ) -> ([String], [String]) {
        guard !names.isEmpty else { return (names, []) }
        if let recognizer {
            let split = names.map { $0.split(separator: ".", omittingEmptySubsequences: false) }
            var common = (split.map(\.count).min() ?? 1) - 1
            for index in 0..<common where !split.allSatisfy({ $0[index] == split[0][index] }) {
                common = index
                break
            }
            for count in 0...max(0, common) {
                let stripped = split.map { $0.dropFirst(count).joined(separator: ".") }
                let descriptors = zip(stripped, shapes).map { TensorDescriptor(name: $0, dtype: $1.0, shape: $1.1) }
                if recognizer(descriptors) {
                    return (stripped, split[0].prefix(count).map { $0 + "." })
                }
            }
        }
        var named = names
        var prefixes: [String] = []
        var changed = true
        while changed {
            changed = false
            for prefix in wrapperPrefixes where named.allSatisfy({ $0.hasPrefix(prefix) }) {
                named = named.map { String($0.dropFirst(prefix.count)) }
                prefixes.append(prefix)
                changed = true
            }
        }
        return (named, prefixes)
    }
}
