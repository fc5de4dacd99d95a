/// A fully qualified global such as `collections.OrderedDict`; never imported, only compared.
public struct GlobalName: Hashable, Sendable, CustomStringConvertible {
    /// The module part, e.g. `collections` or `torch._utils`.
    public let module: String
    /// The attribute looked up in the module, e.g. `OrderedDict` or `_rebuild_tensor_v2`.
    public let name: String
    /// The global `module.name`; making one imports nothing.
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }
    /// `module.name`.
    public var description: String { module + "." + name }

    /// The callee of a call whose callee was not a global, recorded only under `GlobalPolicy.scanOnly` (e.g. the
    /// second REDUCE of `getattr(__import__('os'), 'system')('ls')`): the value called is the instance's first
    /// argument. No real global has this name (`<` cannot start a Python module name).
    public static let opaqueCall = GlobalName(module: "<opaque>", name: "call")
}
