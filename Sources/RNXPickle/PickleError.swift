/// Everything that can go wrong while running the restricted pickle machine.
///
/// Each case carries the byte offset of the opcode that failed, so reports can point into the file.
public enum PickleError: Error, Equatable, Sendable {
    /// A global outside the allowlist, e.g. `os.system`.
    case disallowedGlobal(module: String, name: String, offset: Int)
}

extension PickleError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .disallowedGlobal(let module, let name, let offset):
            "pickle references \(module).\(name) at byte \(offset), which rnx refuses to load (not a tensor or container)"
        }
    }
}
