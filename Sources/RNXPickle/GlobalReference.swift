/// A global the pickle referenced, and the byte offset of the opcode that referenced it.
public struct GlobalReference: Hashable, Sendable {
    public let global: GlobalName
    public let offset: Int
    public init(global: GlobalName, offset: Int) {
        self.global = global
        self.offset = offset
    }
}
