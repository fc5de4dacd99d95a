#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an `ARCH|FILE` argument names (`rnx summary`, `rnx bench`): a named architecture or a checkpoint file.
public enum ModelReference: Hashable, Sendable {
    /// A name `rnx archs` lists (lowercased), with its configuration.
    case architecture(name: String, config: ResNetConfig)
    /// A path to a checkpoint, which exists.
    case file(path: String)

    /// Resolves `argument`: an architecture name wins over a file of the same name in the current directory
    /// (`./resnet50` names the file), so the same words mean the same thing wherever they are typed; anything else
    /// must be an existing file.
    ///
    /// - Throws: `ArchError.notArchitectureOrFile` when it is neither.
    public init(_ argument: String) throws {
        if let config = ResNetConfig.named(argument) {
            self = .architecture(name: argument.lowercased(), config: config)
        } else if access(argument, F_OK) == 0 {
            self = .file(path: argument)
        } else {
            throw ArchError.notArchitectureOrFile(argument)
        }
    }
}
