import ArgumentParser
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXReport

extension Diagram.Style: ExpressibleByArgument {}

/// `rnx diagram`: a ResNet drawn as a standalone SVG, from a name or a checkpoint.
struct DiagramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagram",
        abstract: "Draw a ResNet as a standalone SVG, the way the paper and its block figures do.",
        discussion: """
            Styles: 'paper' is the paper's Figure 3 column (every convolution a box labelled like \
            '3×3 conv, 128, /2', shortcuts solid for identity and dashed for projection or zero-padding, the \
            output size at each stage; stages of more than \(Diagram.foldLimit) blocks are drawn as their first block \
            and one block marked '× N'). 'blocks' draws each stage's residual block with its widths, groups, \
            shortcut and repeats. 'stages' lists each part's output shape, parameters and mult-adds (the figures of \
            'rnx summary --depth 1') with a bar for its share of the mult-adds.

            For a file the architecture is detected from its tensors; what the file changes (classes, input \
            channels) is drawn in orange and tensors that do not fit in red, with their names.

            The SVG has no scripts, external fonts or images; every block is a <g class="block"> with data-name, \
            data-shortcut, data-out and a <title> giving its layers, shape, parameters and mult-adds. Without -o \
            (or with -o -) it goes to standard output.

            Examples:
              rnx diagram resnet34 -o resnet34.svg
              rnx diagram resnet50 --style blocks -o blocks.svg
              rnx diagram checkpoint.pth --style stages --input-size 3x160x160 > stages.svg
            """
    )

    @Argument(help: """
        A named architecture (see 'rnx archs') or a checkpoint file (a name wins over a file of that name: \
        write ./NAME for the file).
        """)
    var model: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The SVG file to write ('-' or none: standard output).",
                                                    valueName: "OUT.svg"))
    var output: String?

    @Option(help: "What to draw: paper, blocks or stages.")
    var style: Diagram.Style = .paper

    @Option(help: "The input, CxHxW or HxW (default 3x224x224; CIFAR nets 3x32x32).")
    var inputSize: String?

    @Flag(help: "Replace OUT.svg if it exists.")
    var force = false

    @OptionGroup var strideInOption: StrideInOption
    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions

    func run() throws {
        var request = DiagramRequest()
        request.strideIn = strideInOption.value
        request.style = style
        request.inputSize = inputSize
        request.pickleLimits = pickleLimits.limits
        let reference = try ModelReference(model)
        var input: String?
        if case .file(let path) = reference { input = path }
        if let output, output != "-" {
            try onFile(output) { try Converter.checkOutput(output, input: input ?? "", force: force) }
        }
        let svg: String
        switch reference {
        case .file(let path): svg = try onFile(path) { try request.render(checkpointAt: path) }
        case .architecture(let name, let config): svg = try request.render(config: config, name: name)
        }
        guard let output, output != "-" else {
            print(svg, terminator: "")
            return
        }
        try onFile(output) {
            try OutputFile.write(Array(svg.utf8), to: output, force: force, inputs: input.map { [$0] } ?? [])
        }
    }
}
