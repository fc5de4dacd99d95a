import ArgumentParser
import RNXArch
import RNXForward

/// The options `rnx run`, `rnx validate` and `rnx bench` share to say how MODEL is mapped and run.
struct ModelOptions: ParsableArguments {
    @Option(help: "Insist on this architecture (see rnx archs) instead of detecting it from the file.")
    var arch: String?

    @Option(name: .customLong("num-classes"), help: ArgumentHelp(
        "Adapt the classifier to N classes like rnx convert (cut to the first N rows, or add new rows).",
        valueName: "N"))
    var numClasses: Int?

    @Option(name: .customLong("in-channels"), help: ArgumentHelp(
        "Adapt conv1 to C input channels like rnx convert (C = 1: filters summed; else repeated, times 3/C).",
        valueName: "C"))
    var inChannels: Int?

    @Option(name: .customLong("threads"), help: ArgumentHelp(
        "Threads for the forward pass: each GEMM and loop is split over them (default: all cores).", valueName: "N"))
    var threadOption: Int?

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions
    @OptionGroup(title: "Choosing the model") var stateDict: StateDictOptions

    /// `--threads`, or every core.
    var threads: Int { threadOption ?? ForwardThreads.defaultCount }

    func validate() throws {
        if let threadOption, threadOption < 1 { throw ValidationError("--threads must be at least 1") }
        if let numClasses, numClasses < 1 { throw ValidationError("--num-classes must be at least 1") }
        if let inChannels, inChannels < 1 { throw ValidationError("--in-channels must be at least 1") }
    }

    /// Loads MODEL (a file, or with `allowName` an architecture name, which wins over a file of that name) with
    /// these options.
    func load(_ model: String, allowName: Bool = false) throws -> ModelLoader.Loaded {
        // Resolved outside `onFile`: an argument that is neither a name nor a file is not an error about a file.
        let reference = allowName ? try ModelReference(model) : .file(path: model)
        return try onFile(model) {
            try ModelLoader.load(reference, arch: arch, numClasses: numClasses, inChannels: inChannels,
                                 limits: pickleLimits.limits, selection: stateDict.selection)
        }
    }
}
