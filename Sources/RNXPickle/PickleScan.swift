/// What scanning one pickle found: every global it references and how, without building or calling anything.
///
/// Made by `Unpickler.scan(_:from:)`, which runs the restricted machine under `GlobalPolicy.scanOnly` and never
/// throws: a pickle that breaks part way keeps the references found before the break (Python would have acted on
/// them before failing) and carries the error.
public struct PickleScan: Sendable {
    /// One opcode that names or uses a global.
    public struct Reference: Hashable, Sendable {
        public let global: GlobalName
        /// Byte offset of the opcode, counted like `Unpickler.run`'s offsets (from the start of the buffer).
        public let offset: Int
        /// CPython's name of the opcode: GLOBAL, STACK_GLOBAL or INST name the global; REDUCE, NEWOBJ,
        /// NEWOBJ_EX and OBJ call it; BUILD, SETITEM(S), APPEND(S) and ADDITEMS change it or an object it made.
        public let opcode: String

        public init(global: GlobalName, offset: Int, opcode: String) {
            self.global = global
            self.offset = offset
            self.opcode = opcode
        }
    }

    /// A global whose module or name is not a string in the file but the result of a call (STACK_GLOBAL on a
    /// value the pickle computes, such as `_codecs.encode('bf', 'rot13')`): Python would import whatever it is.
    public static let computed = "<computed>"

    /// Where the pickle starts in the buffer.
    public let start: Int
    /// Every naming of a global (each GLOBAL, STACK_GLOBAL and INST) and the first use of each global by each
    /// using opcode, in file order.
    public var references: [Reference]
    /// Just past the STOP opcode; nil when the pickle did not get there.
    public var end: Int?
    /// Why the pickle stopped before STOP.
    public var error: PickleError?
    /// The protocol of the (last) PROTO opcode, 0 if none.
    public var proto: Int
    /// The value's size as a tree when the pickle completed (a "billion laughs" shows as `.exceeds`).
    public var unfolding: PickleHeap.Unfolding?
}

extension Unpickler {
    /// Scans the pickle that starts at `start` in `bytes` under `GlobalPolicy.scanOnly` and `limits`.
    ///
    /// Nothing is imported or called; calls are recorded as data as `run` records them, within the same limits,
    /// so memory stays proportional to the bytes. A completed pickle's value is measured as a tree with
    /// `PickleLimits.maxUnfoldedObjects` as the bound (never expanded).
    public func scan(_ bytes: [UInt8], from start: Int = 0) -> PickleScan {
        let machine = PickleMachine(bytes: bytes, start: start, limits: limits, policy: .scanOnly)
        do {
            let result = try machine.run()
            let unfolding = result.heap.unfolding(of: result.root, limit: limits.maxUnfoldedObjects)
            return PickleScan(start: machine.start, references: machine.references, end: result.endOffset, error: nil,
                              proto: result.proto, unfolding: unfolding)
        } catch {
            return PickleScan(start: machine.start, references: machine.references, end: nil, error: error,
                              proto: machine.proto, unfolding: nil)
        }
    }
}
