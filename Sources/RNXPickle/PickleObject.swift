/// A compound value on the heap.
public enum PickleObject: Sendable {
    case tuple([PickleValue])
    case list([PickleValue])
    case dict([(key: PickleValue, value: PickleValue)])
    case set([PickleValue])
    case frozenSet([PickleValue])
    /// A global pushed by GLOBAL, STACK_GLOBAL or INST; only allowlisted ones are ever pushed.
    case global(GlobalName)
    /// What REDUCE, NEWOBJ, NEWOBJ_EX, INST or OBJ would have created, recorded instead of called.
    case instance(PickleInstance)
    /// The argument of a PERSID or BINPERSID opcode, for the caller to interpret (torch uses it for storages).
    case persistent(PickleValue)
}

/// A call that the pickle asked for and that the machine recorded without executing.
public struct PickleInstance: Sendable {
    /// The global being called (an allowlisted class or function).
    public var callee: GlobalName
    /// The positional arguments (a tuple's elements).
    public var arguments: [PickleValue]
    /// What BUILD set, if anything (e.g. the `_metadata` of a torch state dict).
    public var state: PickleValue?
    /// Items added by APPEND or APPENDS.
    public var listItems: [PickleValue]
    /// Items added by SETITEM or SETITEMS, in order.
    public var dictItems: [(key: PickleValue, value: PickleValue)]
    /// Byte offset of the opcode that created the instance.
    public var offset: Int

    public init(
        callee: GlobalName, arguments: [PickleValue], state: PickleValue? = nil, listItems: [PickleValue] = [],
        dictItems: [(key: PickleValue, value: PickleValue)] = [], offset: Int
    ) {
        self.callee = callee
        self.arguments = arguments
        self.state = state
        self.listItems = listItems
        self.dictItems = dictItems
        self.offset = offset
    }
}

/// The objects a pickle created, addressed by `ObjectID`.
public struct PickleHeap: Sendable {
    public internal(set) var objects: [PickleObject] = []
    public init() {}
    public subscript(id: ObjectID) -> PickleObject { objects[id.index] }
}

/// Everything a pickle produced: the value STOP returned, the heap behind it and the globals it named.
public struct PickleResult: Sendable {
    public var root: PickleValue
    public var heap: PickleHeap
    /// Every global referenced, allowed or not, in order of appearance.
    public var globals: [GlobalReference]
    /// Byte offset just past the STOP opcode (torch's legacy format continues after it).
    public var endOffset: Int
    /// The protocol given by the PROTO opcode, or 0 if there was none.
    public var proto: Int
}
