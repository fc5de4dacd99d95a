/// A global the pickle referenced, and the byte offset of the opcode that referenced it.
public struct GlobalReference: Hashable, Sendable {
    /// The global named by the GLOBAL or STACK_GLOBAL opcode.
    public let global: GlobalName
    /// Byte offset of that opcode from the pickle's start, so a report can point at it.
    public let offset: Int
    /// A reference to `global` by the opcode at `offset`.
    public init(global: GlobalName, offset: Int) {
        self.global = global
        self.offset = offset
    }
}
