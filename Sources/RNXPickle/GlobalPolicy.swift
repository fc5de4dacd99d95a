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
}
