/// The index of an object in a `PickleHeap`.
public struct ObjectID: Hashable, Sendable {
    /// The position in ``PickleHeap/objects``.
    public let index: Int
    /// The object at `index`; only meaningful for the heap that handed the index out.
    public init(index: Int) { self.index = index }
}
