/// The objects a pickle created, addressed by `ObjectID`.
///
/// Objects refer to each other only by `ObjectID`, so shared and cyclic structures are cheap and freeing a heap never
/// recurses. Use the accessors (`tuple(_:)`, `dict(_:)`, `string(_:)`, ...) and `render(_:limit:)` to read values;
/// none of them recurses either.
public struct PickleHeap: Sendable {
    /// Every object, in the order the pickle created them; `ObjectID.index` indexes this array.
    public internal(set) var objects: [PickleObject] = []
    public init() {}
    /// The object `id` names; `id` must come from this heap.
    public subscript(id: ObjectID) -> PickleObject { objects[id.index] }
    /// The number of objects.
    public var count: Int { objects.count }
}
