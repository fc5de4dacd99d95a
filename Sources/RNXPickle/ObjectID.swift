/// The index of an object in a `PickleHeap`.
public struct ObjectID: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}
