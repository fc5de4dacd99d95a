/// The objects a pickle created, addressed by `ObjectID`.
///
/// Objects refer to each other only by `ObjectID`, so shared and cyclic structures are cheap and freeing a heap never
/// recurses. Use the accessors (`tuple(_:)`, `dict(_:)`, `string(_:)`, ...) and `render(_:limit:)` to read values;
/// none of them recurses either.
public struct PickleHeap: Sendable {
    /// Every object, in the order the pickle created them; `ObjectID.index` indexes this array.
    public internal(set) var objects: [PickleObject] = []
    /// Byte offset of the PERSID or BINPERSID opcode of each persistent id, by object index, so readers that
    /// interpret one (a torch storage) can say where it is. Only persistent ids are recorded: an offset per object
    /// would cost 8 bytes for each of up to millions of hostile containers.
    public internal(set) var persistentIDOffsets: [Int: Int] = [:]
    /// An empty heap; the machine fills it while it runs.
    public init() {}
    /// The object `id` names; `id` must come from this heap.
    public subscript(id: ObjectID) -> PickleObject { objects[id.index] }
    /// The number of objects.
    public var count: Int { objects.count }
    /// Byte offset of the opcode that created the persistent id `id`, nil if `id` is no persistent id.
    public func persistentIDOffset(_ id: ObjectID) -> Int? { persistentIDOffsets[id.index] }
}
