/// A fully qualified global such as `collections.OrderedDict`; never imported, only compared.
public struct GlobalName: Hashable, Sendable, CustomStringConvertible {
    public let module: String
    public let name: String
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }
    /// `module.name`.
    public var description: String { module + "." + name }
}
