/// Cycle-safe, depth-bounded traversal, for consumers that search a pickle (e.g. for the state dict inside a
/// training checkpoint) rather than follow a known shape.
extension PickleHeap {
    /// The values `object` directly holds, in a fixed order: items, keys and values, a call's arguments, keyword
    /// arguments, list items, dict items and state, a persistent id.
    public func children(of id: ObjectID) -> [PickleValue] {
        guard objects.indices.contains(id.index) else { return [] }
        switch objects[id.index] {
        case .tuple(let items), .list(let items), .set(let items), .frozenSet(let items):
            return items
        case .dict(let pairs):
            return pairs.flatMap { [$0.key, $0.value] }
        case .global:
            return []
        case .persistent(let pid):
            return [pid]
        case .instance(let instance):
            var values = instance.arguments
            values += instance.keywordArguments.flatMap { [$0.key, $0.value] }
            values += instance.listItems
            values += instance.dictItems.flatMap { [$0.key, $0.value] }
            if let state = instance.state { values.append(state) }
            return values
        }
    }

    /// Every object reachable from `root` within `maxDepth` references, each once, breadth first (nearest first).
    ///
    /// Iterative and cycle-safe: the work is bounded by the objects and references reachable, never by the number
    /// of paths to them, so shared structures ("billion laughs") cost their size, not their unfolding.
    public func reachableObjects(from root: PickleValue, maxDepth: Int = 64) -> [ObjectID] {
        guard case .object(let first) = root, objects.indices.contains(first.index) else { return [] }
        var order = [first]
        var seen: Set<Int> = [first.index]
        var level = [first]
        var depth = 0
        while !level.isEmpty, depth < maxDepth {
            var next: [ObjectID] = []
            for id in level {
                for case .object(let child) in children(of: id)
                where objects.indices.contains(child.index) && seen.insert(child.index).inserted {
                    next.append(child)
                }
            }
            order += next
            level = next
            depth += 1
        }
        return order
    }
}
