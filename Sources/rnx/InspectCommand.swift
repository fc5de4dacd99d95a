import ArgumentParser
import RNXCheckpoint
import RNXReport

/// `rnx inspect`: what a checkpoint holds, read without executing anything and without reading tensor data.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a checkpoint's format, where its state dict is, and every tensor's dtype and shape.",
        discussion: """
            Reads .pth zip and legacy files, .pth.tar training checkpoints and safetensors/.rnw files. Only the \
            zip directory and the pickle (or the safetensors header) are read, never the tensor data. A state dict \
            nested in a training checkpoint (state_dict, model, model_state_dict, net, ema, ...) is found, and \
            'module.' and '_orig_mod.' prefixes are stripped; the other entries (epoch, arch, ...) are shown.

            --globals is `rnx scan FILE`: every global every pickle of the file references, with its byte offset \
            and opcode, rated allowed, data or dangerous. It parses the pickles without running them, so it works \
            on files the normal load refuses (malicious ones). Its exit status is 0 when nothing dangerous is \
            referenced and 1 when something is (the report is still printed, and stderr names it); a file that \
            cannot be parsed exits 65. See `rnx scan --help`.

            --check-data also reads every tensor's bytes once (memory for one tensor at a time), checking what \
            the directory and pickle cannot: zip CRC-32s, storage sizes against the bytes present, views inside \
            their storages. The first failure is the error.

            Examples:
              rnx inspect resnet20-cifar10.pth
              rnx inspect downloaded.pth --check-data
              rnx inspect checkpoint.pth.tar --json | jq '.tensors[].name'
              rnx inspect downloaded.pth --globals
            """
    )

    @Argument(help: "The checkpoint to inspect (.pth, .pth.tar, .pt, .safetensors, .rnw).")
    var file: String

    @Flag(help: "Print JSON for scripts: a 'tensors' list of {name, dtype, shape, elements, bytes}, totals and details.")
    var json = false

    @Flag(help: "Scan the pickles as `rnx scan FILE` does: every global, rated (exit 1 if any is dangerous).")
    var globals = false

    @Flag(help: "Also read every tensor's bytes, checking zip CRCs, storage sizes and view bounds.")
    var checkData = false

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions
    @OptionGroup(title: "Choosing the model") var stateDict: StateDictOptions

    func run() throws {
        if globals {
            // The same scan as `rnx scan FILE`, with its report and exit status.
            try ScanCommand.scan([file], json: json, limits: pickleLimits)
            return
        }
        let report = try onFile(file) {
            let checkpoint = try Checkpoint.open(path: file, limits: pickleLimits.limits, selection: stateDict.selection)
            if checkData { try checkpoint.readEveryTensor() }
            return InspectReport(checkpoint: checkpoint)
        }
        print(json ? try report.json() : report.text())
    }
}
