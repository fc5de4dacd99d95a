/// Which globals a pickle may name.
public enum GlobalPolicy: Sendable {
    /// Only these globals may be pushed; any other is refused with `PickleError.disallowedGlobal`.
    case allow(Set<GlobalName>)
    /// Every global is recorded and none is refused, for `rnx inspect --globals`; nothing is ever called either way.
    case scanOnly
}
