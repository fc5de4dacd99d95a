import ArgumentParser
import Foundation
import RNXArch
import RNXReport

extension SummaryTable.Style: ExpressibleByArgument {}
extension SummaryTable.Format: ExpressibleByArgument {}

/// `rnx summary`: torchinfo's or torchsummary's layer table of an architecture, computed without running it.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a ResNet's layer table as torchinfo or torchsummary would, without running it.",
        discussion: """
            The default table is torchinfo 1.8's with the Mult-Adds column (depth 3, batch 1); \
            --style torchsummary prints torchsummary 1.5.1's. Both match what the Python tools print, \
            byte for byte, except that torchinfo's 'Total mult-adds (Units.GIGABYTES)' reads '(G)'.

            Example:
              rnx summary resnet50 --input-size 3x160x128 --depth 2 --flops
              rnx summary resnet20 --style torchsummary
              rnx summary resnet18 --format json --columns
              rnx summary checkpoint.pth

            For a file (.pth, .pth.tar, safetensors, .rnw) the architecture is detected from the tensors' names \
            and shapes, the params size uses the file's dtypes, and tensors that do not fit the architecture \
            are listed below the table.
            """
    )

    @Argument(help: """
        A named architecture (see 'rnx archs'), e.g. resnet18 or resnet20-b, or a checkpoint file \
        (a name wins over a file of that name: write ./NAME for the file).
        """)
    var model: String

    @Option(help: "Whose table to print: torchinfo or torchsummary.")
    var style: SummaryTable.Style = .torchinfo

    @Option(help: "The input, CxHxW or HxW (default 3x224x224; CIFAR nets 3x32x32).")
    var inputSize: String?

    @Option(help: "The batch size (default 1; torchsummary prints -1 unless given).")
    var batchSize: Int?

    @Option(help: "Classes of the final linear layer (default: the architecture's).")
    var numClasses: Int?

    @Option(help: "Channels the first convolution takes (default 3, or C from --input-size).")
    var inChannels: Int?

    @Option(help: "torchinfo's depth: modules nested deeper are not listed.")
    var depth: Int = 3

    @Option(help: "Output format: text, json, csv or markdown (json and csv: every row, plain numbers).")
    var format: SummaryTable.Format = .text

    @Flag(help: "Add kernel, stride, receptive field and jump columns.")
    var columns = false

    @Flag(help: "Add a FLOPs line: 2 x the mult-adds of convolutions and linear layers.")
    var flops = false

    @OptionGroup var strideInOption: StrideInOption
    var strideIn: StrideIn? { strideInOption.value }

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions
    @OptionGroup(title: "Choosing the model") var stateDict: StateDictOptions

    func run() throws {
        var request = SummaryRequest()
        request.style = style
        request.format = format
        request.inputSize = inputSize
        request.batchSize = batchSize
        request.numClasses = numClasses
        request.inChannels = inChannels
        request.depth = depth
        request.textOptions = SummaryTable.TextOptions(extraColumns: columns, flops: flops)
        request.pickleLimits = pickleLimits.limits
        request.strideIn = strideIn
        request.stateDictKey = stateDict.key
        switch try ModelReference(model) {
        case .file(let path): print(try onFile(path) { try request.render(checkpointAt: path) }, terminator: "")
        case .architecture(let name, let config): print(try request.render(config: config, name: name), terminator: "")
        }
    }
}
