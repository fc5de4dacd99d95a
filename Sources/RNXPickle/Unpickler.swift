/// A restricted pickle machine: it parses every opcode of protocols 0 to 5 and records calls instead of making them.
///
/// It never imports, calls or evaluates anything. Globals are checked against a `GlobalPolicy` when pushed, and
/// REDUCE, NEWOBJ, NEWOBJ_EX, INST and OBJ only record a `PickleInstance` of such a global. Work and memory are
/// bounded by the input's size and by `PickleLimits`; the machine never recurses.
///
/// ```swift
/// let result = try Unpickler(policy: .allow([GlobalName(module: "collections", name: "OrderedDict")])).run(bytes)
/// print(result.heap.render(result.root, limit: 200))
/// ```
public struct Unpickler: Sendable {
    /// Bounds on size, depth, memo, containers and objects.
    public var limits: PickleLimits
    /// Which globals may be pushed.
    public var policy: GlobalPolicy

    /// A machine that admits the globals `policy` allows, within `limits`.
    public init(policy: GlobalPolicy, limits: PickleLimits = .standard) {
        self.policy = policy
        self.limits = limits
    }

    /// Runs the pickle that starts at `start` in `bytes` up to its STOP opcode.
    ///
    /// Error offsets count from the start of `bytes`, not from `start`. A MARK still open at STOP is an error
    /// (CPython ignores it, but never writes it).
    /// Bytes after STOP are not read: `PickleResult.endOffset` says where the pickle ended, and callers decide whether
    /// more data may follow (torch's legacy format puts several pickles and raw storages in one file).
    /// - Throws: `PickleError`, and nothing else.
    public func run(_ bytes: [UInt8], from start: Int = 0) throws(PickleError) -> PickleResult {
        let machine = PickleMachine(bytes: bytes, start: start, limits: limits, policy: policy)
        return try machine.run()
    }
}
