/// A restricted pickle machine: it parses every opcode of protocols 0 to 5 and records calls instead of making them.
///
/// It never imports, calls or evaluates anything. Globals are checked against a `GlobalPolicy` when pushed.
public struct Unpickler: Sendable {
    public var limits: PickleLimits
    public var policy: GlobalPolicy

    public init(policy: GlobalPolicy, limits: PickleLimits = .standard) {
        self.policy = policy
        self.limits = limits
    }

    /// Runs the pickle that starts at `start` in `bytes` up to its STOP opcode.
    public func run(_ bytes: [UInt8], from start: Int = 0) throws -> PickleResult {
        throw PickleError.disallowedGlobal(module: "rnx", name: "unimplemented", offset: start)  // replaced by the machine
    }
}
