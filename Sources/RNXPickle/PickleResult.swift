/// Everything a pickle produced: the value STOP returned, the heap behind it and the globals it named.
public struct PickleResult: Sendable {
    /// The value STOP popped.
    public var root: PickleValue
    /// Every object the pickle created, reachable from `root` or not.
    public var heap: PickleHeap
    /// Every global referenced (by GLOBAL, STACK_GLOBAL or INST), in order of appearance, under the name CPython 3
    /// would import (protocol 0-2 names such as `__builtin__.set` are mapped as CPython's `fix_imports` does).
    public var globals: [GlobalReference]
    /// Under `GlobalPolicy.scanOnly` only: each naming and first use of a global by opcode (see `PickleScan`).
    public var references: [PickleScan.Reference] = []
    /// Byte offset just past the STOP opcode (torch's legacy format continues after it).
    public var endOffset: Int
    /// The protocol given by the (last) PROTO opcode, or 0 if there was none.
    public var proto: Int
}
