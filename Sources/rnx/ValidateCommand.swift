import ArgumentParser
import RNXArch
import RNXCheckpoint
import RNXForward

/// `rnx validate`: does the forward pass give the reference's logits?
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a model's logits against PyTorch's, against another file, or for self-consistency.",
        discussion: """
            With --input and --expect, runs MODEL on the input and compares with logits PyTorch computed. With \
            --against, runs both files (e.g. a .rnw and the .pth it came from) on the same input (--input, or a \
            fixed deterministic batch of two images) and compares them; when one of the two is an .rnw file, the \
            adaptations it records (--num-classes, --classes, --in-channels, --dtype of rnx convert) are applied \
            to the other first, and the default tolerance is the stored dtype's (1e-4 for f32, 1e-2 for f16, \
            5e-2 for bf16). Reported: max absolute error, max error \
            relative to the largest reference logit, cosine similarity, top-1 and top-5 agreement. It passes when \
            the relative error is at most --rtol and every sample has the same top-1 class.

            With neither, runs the fixed input (2 images of 224x224, 32x32 for CIFAR nets) and checks what can be \
            checked alone: finite outputs, positive BatchNorm running variances, and no dead layer (a convolution \
            whose output is all zero).

            Exit status: 0 when the check passes, 1 when it does not.

            Examples:
              rnx validate resnet20-cifar10.pth --input x.npy --expect torch-logits.npy
              rnx validate resnet50.rnw --against resnet50-0676ba61.pth --json
            """
    )

    @Argument(help: "The model: a .rnw file or a checkpoint (.pth, .pth.tar, .safetensors).")
    var model: String

    @Option(help: ArgumentHelp("Input batch, an .npy array of shape [N, C, H, W].", valueName: "x.npy"))
    var input: String?

    @Option(help: ArgumentHelp("Reference logits made by PyTorch, an .npy array of shape [N, classes].",
                               valueName: "y.npy"))
    var expect: String?

    @Option(help: ArgumentHelp("Another file of the same model to compare with.", valueName: "OTHER"))
    var against: String?

    @Option(help: ArgumentHelp(
        "Largest accepted max error relative to the largest reference logit (default 1e-4; with --against an .rnw "
            + "stored as f16 1e-2, as bf16 5e-2).", valueName: "R"))
    var rtol: Double?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var options: ModelOptions

    func validate() throws {
        if expect != nil && against != nil { throw ValidationError("--expect and --against cannot be combined") }
        if expect != nil && input == nil { throw ValidationError("--expect needs --input") }
        if let rtol, !(rtol >= 0 && rtol.isFinite) { throw ValidationError("--rtol must be a non-negative number") }
    }

    func run() throws {
        let loaded = try options.load(model)
        let x = try input.map { path in try onFile(path) { try NumpyArray(contentsOfFile: path) } }
        let report: Validation
        if let expect, let x {
            let y = try onFile(expect) { try NumpyArray(contentsOfFile: expect) }
            report = try onFile(model) {
                try Validation.compare(loaded, modelPath: model, input: x, expected: y, expectedPath: expect,
                                       relativeTolerance: rtol ?? 1e-4, threads: options.threads)
            }
        } else if let against {
            var first = loaded
            var other = try options.load(against)
            // What one file records of its conversion is applied to the other, unless the user adapts both. A
            // stored dtype is not: its rounding is what the comparison measures, against the dtype's tolerance.
            var recorded: [Adaptation] = []
            var adaptedNotes: [String] = []
            if !options.adapts {
                if !first.recordedAdaptations.isEmpty && other.recordedAdaptations.isEmpty {
                    recorded = first.recordedAdaptations
                    other = try options.load(against, adaptations: recorded.filter { !$0.isDType })
                    adaptedNotes = other.notes
                } else if first.recordedAdaptations.isEmpty && !other.recordedAdaptations.isEmpty {
                    recorded = other.recordedAdaptations
                    first = try options.load(model, adaptations: recorded.filter { !$0.isDType })
                    adaptedNotes = first.notes
                }
            }
            var compared = try onFile(model) {
                try Validation.compare(first, modelPath: model, against: other, referencePath: against, input: x,
                                       relativeTolerance: rtol ?? Validation.defaultTolerance(after: recorded),
                                       threads: options.threads)
            }
            compared.recordedAdaptations = adaptedNotes
            report = compared
        } else {
            report = try onFile(model) {
                try Validation.selfCheck(loaded, modelPath: model, input: x, threads: options.threads)
            }
        }
        print(json ? report.json : report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
