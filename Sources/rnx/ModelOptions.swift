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

    @OptionGroup var strideInOption: StrideInOption
    var strideIn: StrideIn? { strideInOption.value }

    @Option(name: .customLong("threads"), help: ArgumentHelp(
        "Threads for the forward pass: oneDNN's OpenMP team, or OpenBLAS GEMM blocks and loops (default: all cores).", valueName: "N"))
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

    /// Whether the command line adapts the model itself (`--num-classes`, `--in-channels`).
    var adapts: Bool { numClasses != nil || inChannels != nil }

    /// Loads the file MODEL with `adaptations` (e.g. those another file records) instead of these options'.
    func load(_ model: String, adaptations: [Adaptation]) throws -> ModelLoader.Loaded {
        try onFile(model) {
            try ModelLoader.load(
                model, arch: arch, adaptations: adaptations, strideIn: strideIn, limits: pickleLimits.limits,
                selection: stateDict.selection)
        }
    }

    /// Loads MODEL (a file, or with `allowName` an architecture name, which wins over a file of that name) with
    /// these options.
    func load(_ model: String, allowName: Bool = false) throws -> ModelLoader.Loaded {
        // Resolved outside `onFile`: an argument that is neither a name nor a file is not an error about a file.
        let reference = allowName ? try ModelReference(model) : .file(path: model)
        let loaded = try onFile(model) {
            try ModelLoader.load(reference, arch: arch, numClasses: numClasses, inChannels: inChannels,
                                 strideIn: strideIn, limits: pickleLimits.limits, selection: stateDict.selection)
        }
        for note in loaded.assumptions { printNote(model, note) }
        return loaded
    }
}
