import ArgumentParser
import RNXCheckpoint
import RNXPickle
import RNXTensor

/// The pickle machine's limits, overridable for the rare real checkpoint that needs more.
///
/// The defaults (`PickleLimits.standard`) are far above any ResNet checkpoint's pickle and far below harm; a file
/// that hits one gets an error naming the option that raises it.
struct PickleLimitOptions: ParsableArguments {
    private static let standard = PickleLimits.standard

    @Option(name: .customLong("max-pickle-bytes"), help: ArgumentHelp(
        "Largest pickle read, in bytes.", valueName: "N"))
    var maxBytes = standard.maxBytes

    @Option(name: .customLong("max-pickle-depth"), help: ArgumentHelp(
        "Deepest nesting of containers and MARKs.", valueName: "N"))
    var maxDepth = standard.maxDepth

    @Option(name: .customLong("max-pickle-memo"), help: ArgumentHelp(
        "Memo slots: every memo index must be below N.", valueName: "N"))
    var maxMemoEntries = standard.maxMemoEntries

    @Option(name: .customLong("max-pickle-items"), help: ArgumentHelp(
        "Most items in one list, tuple, dict or set.", valueName: "N"))
    var maxContainerItems = standard.maxContainerItems

    @Option(name: .customLong("max-pickle-stack"), help: ArgumentHelp(
        "Most values on the pickle machine's stack at once.", valueName: "N"))
    var maxStackValues = standard.maxStackValues

    @Option(name: .customLong("max-pickle-objects"), help: ArgumentHelp(
        "Most objects (containers, globals, calls) one pickle creates.", valueName: "N"))
    var maxObjects = standard.maxObjects

    @Option(name: .customLong("max-pickle-unfolded"), help: ArgumentHelp(
        "Most objects the result may hold as a tree, shared references expanded.", valueName: "N"))
    var maxUnfoldedObjects = standard.maxUnfoldedObjects

    /// The limits these options set.
    var limits: PickleLimits {
        PickleLimits(
            maxBytes: maxBytes, maxDepth: maxDepth, maxMemoEntries: maxMemoEntries,
            maxContainerItems: maxContainerItems, maxStackValues: maxStackValues, maxObjects: maxObjects,
            maxUnfoldedObjects: maxUnfoldedObjects)
    }

    func validate() throws {
        for (option, value) in [
            ("--max-pickle-bytes", maxBytes), ("--max-pickle-depth", maxDepth), ("--max-pickle-memo", maxMemoEntries),
            ("--max-pickle-items", maxContainerItems), ("--max-pickle-stack", maxStackValues),
            ("--max-pickle-objects", maxObjects), ("--max-pickle-unfolded", maxUnfoldedObjects),
        ] where value < 1 {
            throw ValidationError("\(option) must be at least 1")
        }
    }

    /// Opens a checkpoint within these limits; a limit it hits comes back as a `HintedError` naming the option, for
    /// commands that collect problems as text (`rnx verify`) instead of exiting through `ErrorReport`.
    func open(_ path: String, selection: StateDictSelection = .automatic) throws -> Checkpoint {
        do {
            return try Checkpoint.open(path: path, limits: limits, selection: selection)
        } catch {
            guard let hinted = Self.hinted(error) else { throw error }
            throw hinted
        }
    }

    /// `error`'s message with the option that raises its limit, or nil when it is no pickle limit.
    static func hinted(_ error: Error) -> HintedError? {
        guard let option = option(raising: error) else { return nil }
        let message = (error as? RNXError)?.description ?? String(describing: error)
        return HintedError(description: "\(message); \(option) raises this limit")
    }

    /// An error whose text already says how to get past it.
    struct HintedError: Error, CustomStringConvertible {
        let description: String
    }

    /// The option that raises the limit `error` reports, or nil when it is no pickle limit.
    static func option(raising error: Error) -> String? {
        switch error {
        case PickleError.pickleTooLarge: "--max-pickle-bytes"
        case PickleError.depthLimitExceeded: "--max-pickle-depth"
        case PickleError.memoIndexOverLimit: "--max-pickle-memo"
        case PickleError.containerTooLarge: "--max-pickle-items"
        case PickleError.stackTooLarge: "--max-pickle-stack"
        case PickleError.tooManyObjects: "--max-pickle-objects"
        case CheckpointError.pickleUnfoldsTooLarge: "--max-pickle-unfolded"
        case CheckpointError.recordTooLarge(let entry, _, _) where entry.hasSuffix(".pkl"): "--max-pickle-bytes"
        case CheckpointError.brokenPickle(_, let inner): option(raising: inner)
        default: nil
        }
    }
}
