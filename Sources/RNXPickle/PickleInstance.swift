/// A call that the pickle asked for and that the machine recorded without executing.
///
/// REDUCE records `callee(*arguments)`, NEWOBJ `callee.__new__(callee, *arguments)`, NEWOBJ_EX adds
/// `keywordArguments`, INST and OBJ `callee(*arguments)`. Later opcodes that would mutate the object are recorded too.
public struct PickleInstance: Sendable {
    /// The global being called (an allowed class or function), or under `GlobalPolicy.scanOnly`
    /// `GlobalName.opaqueCall` when the pickle called another value, which is then the first of `arguments`.
    public var callee: GlobalName
    /// The positional arguments (a tuple's elements).
    public var arguments: [PickleValue]
    /// The keyword arguments of NEWOBJ_EX, in order.
    public var keywordArguments: [(key: PickleValue, value: PickleValue)]
    /// What BUILD set, if anything (e.g. the `_metadata` of a torch state dict); a second BUILD replaces it.
    public var state: PickleValue?
    /// Items added by APPEND, APPENDS or ADDITEMS.
    public var listItems: [PickleValue]
    /// Items added by SETITEM or SETITEMS, in order; a repeated scalar key replaces the earlier value in place.
    public var dictItems: [(key: PickleValue, value: PickleValue)]
    /// Byte offset of the opcode that created the instance.
    public var offset: Int

    /// A recorded call of `callee`, created by the opcode at `offset`; the other items start empty and later
    /// opcodes fill them.
    public init(
        callee: GlobalName, arguments: [PickleValue], keywordArguments: [(key: PickleValue, value: PickleValue)] = [],
        state: PickleValue? = nil, listItems: [PickleValue] = [], dictItems: [(key: PickleValue, value: PickleValue)] = [],
        offset: Int
    ) {
        self.callee = callee
        self.arguments = arguments
        self.keywordArguments = keywordArguments
        self.state = state
        self.listItems = listItems
        self.dictItems = dictItems
        self.offset = offset
    }
}
