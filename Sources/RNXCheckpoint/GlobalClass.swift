import RNXPickle

/// How `rnx scan` rates a global a pickle references, and why.
///
/// Allowlisting, not pattern matching: only rnx's allowlist for weights is `allowed` and only module classes that
/// rnx reads as data are `data`; every other name is `dangerous`, with the reason spelled out for the well-known
/// ones (`DangerousGlobals`). Names are compared as strings and never imported.
public struct GlobalClass: Sendable, Hashable {
    /// The three ratings, as the JSON report spells them.
    public enum Rating: String, Sendable, Hashable {
        /// On rnx's allowlist for weights (`TorchGlobals.allowlist`; the tar format adds its tensor classes).
        case allowed
        /// A class rnx reads as data and never calls: pickled `nn.Module` classes (`torch.nn.modules.*`,
        /// torchvision's models) and TorchScript's `__torch__.*` classes.
        case data
        /// Anything else: Python imports and calls it when it loads the pickle.
        case dangerous
    }

    public let rating: Rating
    /// A short reason: what the global does, for the well-known dangerous ones.
    public let reason: String

    public init(rating: Rating, reason: String) {
        self.rating = rating
        self.reason = reason
    }

    /// Rates `global` against `allowlist` (the allowlist of the format the pickle came in).
    public static func of(_ global: GlobalName, allowlist: Set<GlobalName>) -> GlobalClass {
        if allowlist.contains(global) { return GlobalClass(rating: .allowed, reason: "on rnx's allowlist for weights") }
        if plainData.contains(global) { return GlobalClass(rating: .allowed, reason: "builds plain data") }
        if isModuleClass(global) { return GlobalClass(rating: .data, reason: "a module class, read as data") }
        return GlobalClass(rating: .dangerous, reason: DangerousGlobals.reason(for: global))
    }

    /// Constructors of plain values that CPython's pickler writes for ordinary data (`bytes()` and `bytearray(...)`
    /// in protocols 0 to 2 and 0 to 4, `complex(...)`, `slice(...)`) and TorchScript's type tags: harmless when
    /// loading, though the weight loader has no use for them.
    static let plainData: Set<GlobalName> = Set(["bytes", "bytearray", "complex", "slice", "range", "frozenset", "set"].map {
        GlobalName(module: "builtins", name: $0)
    } + [GlobalName(module: "torch.jit._pickle", name: "restore_type_tag")])

    /// Module classes rnx reads as data: `__torch__.*` (TorchScript resolves them in the archive's own code, never
    /// by import) and class names (a capital first letter, no dot) in `torch.nn.modules.*` and torchvision's models.
    static func isModuleClass(_ global: GlobalName) -> Bool {
        if TorchPickleLayer.isTorchScript(global) { return true }
        guard let first = global.name.unicodeScalars.first, ("A"..."Z").contains(first),
              !global.name.contains("."), global.name.unicodeScalars.allSatisfy(isIdentifierScalar)
        else { return false }
        return ["torch.nn.modules.", "torchvision.models."].contains { global.module.hasPrefix($0) }
    }

    static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
