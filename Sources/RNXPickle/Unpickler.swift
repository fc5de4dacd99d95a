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
    public var limits: PickleLimits
    public var policy: GlobalPolicy

    public init(policy: GlobalPolicy, limits: PickleLimits = .standard) {
        self.policy = policy
        self.limits = limits
    }

    /// Runs the pickle that starts at `start` in `bytes` up to its STOP opcode.
    ///
    /// Bytes after STOP are not read: `PickleResult.endOffset` says where the pickle ended, and callers decide whether
    /// more data may follow (torch's legacy format puts several pickles and raw storages in one file).
    /// - Throws: `PickleError`, and nothing else.
    public func run(_ bytes: [UInt8], from start: Int = 0) throws(PickleError) -> PickleResult {
        var machine = PickleMachine(bytes: bytes, start: start, limits: limits, policy: policy)
        do {
            return try machine.run()
        } catch let error as PickleError {
            throw error
        } catch {
            // Unreachable: the machine throws only PickleError; kept typed for callers.
            throw PickleError.invalidLiteral(opcode: "?", offset: machine.opcodeOffset)
        }
    }
}
