/// Which globals a pickle may name.
///
/// Names are compared after CPython's protocol 0-2 renames (`__builtin__.set` is `builtins.set`, `copy_reg` is
/// `copyreg`, `commands` is `subprocess`), exactly and as strings: nothing is imported to compare them.
public enum GlobalPolicy: Sendable {
    /// Only these globals may be pushed; any other is refused with `PickleError.disallowedGlobal`.
    case allow(Set<GlobalName>)
    /// Every global is recorded and none is refused, for `rnx inspect --globals`; nothing is ever called either way.
    ///
    /// A call of anything other than a global (the result of another call, as in `getattr(__import__('os'),
    /// 'system')('ls')`) is recorded too, as an instance of `GlobalName.opaqueCall` whose first argument is the
    /// value called, so the scan goes on and names every later global; `.allow` refuses such a call with
    /// `PickleError.callOfNonGlobal`.
    case scanOnly
    /// The globals in the set are allowed; any other is recorded as a class name (never imported) that may be
    /// pushed, stored and instantiated only by NEWOBJ with no arguments: what pickle writes for an object without
    /// `__reduce__`, such as an `nn.Module` (`cls.__new__(cls)`, then BUILD with its `__dict__`). Any other call of
    /// one (REDUCE, INST, OBJ, NEWOBJ_EX, NEWOBJ with arguments) is refused with `PickleError.disallowedGlobal` at
    /// the offset of the opcode that named it. What the instances hold is for the caller to check.
    case recordClasses(Set<GlobalName>)

    /// Whether a call of `global` may be recorded: allowed, or a class under `recordClasses` made by a NEWOBJ
    /// without arguments (`bareNew`).
    func admitsCall(of global: GlobalName, bareNew: Bool) -> Bool {
        switch self {
        case .allow(let allowed): allowed.contains(global)
        case .scanOnly: true
        case .recordClasses(let allowed): allowed.contains(global) || bareNew
        }
    }
}
