import RNXPickle
import Testing

/// `PickleHeap.unfolding`: tree sizes counted by hand, cycles, and doubling that must cost its rounds, not 2^n.
struct UnfoldingTests {
    func run(_ bytes: [UInt8]) throws -> PickleResult {
        try Unpickler(policy: .scanOnly).run(bytes)
    }

    @Test func sharedTupleCountsOncePerPath() throws {
        // 4E 85 94: NONE TUPLE1 MEMOIZE (memo 0 = (None,)) | 68 00 68 00 86: BINGET 0 ×2 then TUPLE2 | 2E STOP
        // The root tuple holds the shared (None,) twice: 1 root + 2 paths to it = 3 objects as a tree.
        let result = try run([0x80, 0x04, 0x4E, 0x85, 0x94, 0x68, 0x00, 0x68, 0x00, 0x86, 0x2E])
        #expect(result.heap.unfolding(of: result.root, limit: 100) == .tree(objects: 3))
        #expect(result.heap.unfolding(of: result.root, limit: 2) == .exceeds(limit: 2))
        #expect(result.heap.unfolding(of: .none, limit: 2) == .tree(objects: 0))
    }

    @Test func doublingIsRefusedInLinearTime() throws {
        // 4E 85 94: memo 0 = (None,); then 60 rounds of 68 00 68 00 86 94 (BINGET 0, BINGET 0, TUPLE2, MEMOIZE)
        // would unfold to 2^61 - 1 + ... objects; each MEMOIZE stores the new level in the next slot, so the next
        // round reads it with BINGET n. Sizes: level k has 2^(k+1) - 1 tuples.
        var bytes: [UInt8] = [0x80, 0x04, 0x4E, 0x85, 0x94]
        for level in 0..<60 {
            bytes += [0x68, UInt8(level), 0x68, UInt8(level), 0x86, 0x94]
        }
        bytes.append(0x2E)
        let result = try run(bytes)
        #expect(result.heap.objects.count == 61)
        #expect(result.heap.unfolding(of: result.root, limit: 1_000_000) == .exceeds(limit: 1_000_000))
        // 2^20 - 1 = 1,048,575 tuples at level 19 (20 levels incl. the first), exactly.
        var small: [UInt8] = [0x80, 0x04, 0x4E, 0x85, 0x94]
        for level in 0..<19 {
            small += [0x68, UInt8(level), 0x68, UInt8(level), 0x86, 0x94]
        }
        small.append(0x2E)
        let smaller = try run(small)
        #expect(smaller.heap.unfolding(of: smaller.root, limit: 1 << 21) == .tree(objects: (1 << 20) - 1))
    }

    @Test func listContainingItselfIsACycle() throws {
        // 5D 94: EMPTY_LIST MEMOIZE (memo 0) | 68 00 61: BINGET 0, APPEND (the list into itself) | 2E STOP
        let result = try run([0x80, 0x04, 0x5D, 0x94, 0x68, 0x00, 0x61, 0x2E])
        #expect(result.heap.unfolding(of: result.root, limit: 100) == .cycle)
    }
}
