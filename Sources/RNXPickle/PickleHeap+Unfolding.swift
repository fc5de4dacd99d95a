/// How large a value would be as a tree, for consumers that must refuse what Python could only print forever.
extension PickleHeap {
    /// What unfolding a value into a tree would meet.
    public enum Unfolding: Equatable, Sendable {
        /// A finite tree of this many objects (shared objects counted once per path to them).
        case tree(objects: Int)
        /// More than the limit: a "billion laughs" of shared references, or simply too large.
        case exceeds(limit: Int)
        /// An object that contains itself, directly or through others.
        case cycle
    }

    /// The size `root` has as a tree of objects, at most `limit`, or the cycle that makes it infinite.
    ///
    /// Iterative (an explicit post-order stack, so nesting never recurses) and linear in the objects and references
    /// reachable: each object's unfolded size is computed once and saturates at `limit + 1`, so 40 rounds of
    /// doubling cost 40 steps, not 2^40.
    public func unfolding(of root: PickleValue, limit: Int) -> Unfolding {
        guard case .object(let first) = root, objects.indices.contains(first.index) else { return .tree(objects: 0) }
        // 0: unvisited, 1: on the current path, 2: done (its size is in `sizes`).
        var state = [UInt8](repeating: 0, count: objects.count)
        var sizes = [Int](repeating: 0, count: objects.count)
        var stack: [(id: Int, children: [Int], next: Int)] = []
        func objectChildren(_ index: Int) -> [Int] {
            children(of: ObjectID(index: index)).compactMap {
                if case .object(let child) = $0, objects.indices.contains(child.index) { return child.index }
                return nil
            }
        }
        state[first.index] = 1
        stack.append((first.index, objectChildren(first.index), 0))
        while let top = stack.last {
            if top.next < top.children.count {
                let child = top.children[top.next]
                stack[stack.count - 1].next += 1
                switch state[child] {
                case 1: return .cycle
                case 0:
                    state[child] = 1
                    stack.append((child, objectChildren(child), 0))
                default: break
                }
                continue
            }
            var size = 1
            for child in top.children {
                size = min(limit + 1, size + sizes[child])
            }
            sizes[top.id] = size
            state[top.id] = 2
            stack.removeLast()
        }
        let total = sizes[first.index]
        return total > limit ? .exceeds(limit: limit) : .tree(objects: total)
    }
}
