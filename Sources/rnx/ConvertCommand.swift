import ArgumentParser
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXTensor

/// `rnx convert INPUT OUTPUT`: map a checkpoint onto its ResNet and write it as `.rnw`.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint to a verified .rnw (safetensors) or .pth (torch.save) file, optionally adapting it.",
        discussion: """
            The tensors are mapped onto their ResNet (detected from names and shapes, or --arch) and every problem \
            is reported before anything is written. The output is a safetensors file that \
            safetensors.torch.load_file opens and torchvision's load_state_dict(strict=True) accepts, with metadata \
            saying what it is and where it came from (see FILES in the manual). It is written to a temporary file \
            beside OUTPUT, synced and renamed into place: on any error nothing is left behind. The input is only read.

            An OUTPUT ending in .pth or .pt (or --format pth) is written as torch.save writes a state dict today: a \
            zip archive (folder named after the file, data.pkl at pickle protocol 2, one stored, 64-byte aligned \
            data/<key> record per tensor) that torch.load(weights_only=True) opens, with rnx's metadata in the \
            extra record rnx/metadata.json, which torch ignores and rnx inspect shows.

            --to writes the names of another library (a renaming: every tensor keeps its bytes), into any of \
            these formats: OUTPUT ending in .rnw or .safetensors is a safetensors file, .pth, .pt or .bin a \
            torch.save archive; with --to hf (or a transformers input and no --to) any other OUTPUT is the directory \
            save_pretrained writes (config.json \
            with the architecture and id2label, and model.safetensors, or pytorch_model.bin with --format pth), \
            which ResNetForImageClassification.from_pretrained loads. A bare transformers file keeps that \
            config.json in its metadata (transformers_config), so rnx reads it back with its stride and labels. \
            A library that has no such architecture is an error (torchvision has no deep stems, avg-down or \
            attention; transformers no grouped or wide Bottlenecks; only transformers strides in the 1x1).

            Examples:
              rnx convert resnet34-b627a593.pth resnet34.rnw
              rnx convert resnet50.pth pets.rnw --num-classes 37 --seed 1
              rnx convert resnet18.pth gray.rnw --in-channels 1 --dtype f16
              rnx convert resnet50.pth five.rnw --classes 207,208,209,210,211
              rnx convert model.rnw model.pth
              rnx convert resnet50.pth resnet50-hf --to hf
              rnx convert microsoft-resnet-50/ resnet50.pth --to torchvision
              rnx convert resnet50d.safetensors resnet50d.pth --to timm
            """
    )

    @Argument(help: "The checkpoint to read (.pth, .pth.tar, .safetensors, .rnw).")
    var input: String

    @Argument(help: "The file to write: .rnw/.safetensors, or .pth/.pt/.bin for a torch.save archive; with --to hf, a directory otherwise.")
    var output: String

    @Option(help: "Output format, 'rnw' or 'pth' (default: from OUTPUT's extension, .pth, .pt and .bin being pth; for an --to hf directory, its weight file).")
    var format: String?

    @Option(help: "Insist on this architecture (see rnx archs); any mismatch is an error.")
    var arch: String?

    @Option(
        help: """
            Classifier rows to keep. Fewer than the file has: the first N. More: all of them plus new rows \
            initialised like a fresh nn.Linear (see --fc-init, --seed).
            """)
    var numClasses: Int?

    @Option(help: "Keep exactly these classifier rows, in this order: '5,3,999', or '@FILE' with one index per line.")
    var classes: String?

    @Option(help: "New classifier rows: 'uniform' in ±1/sqrt(in_features), like nn.Linear (default), or 'zeros'.")
    var fcInit: String?

    @Option(help: "Seed of the SplitMix64 generator for new uniform classifier rows (default 0).")
    var seed: UInt64?

    @Option(
        help: """
            Adapt conv1 to C input channels: C=1 sums the filters over the input channels; other C repeat them \
            cyclically (0,1,2,0,1,...) and scale by 3/C.
            """)
    var inChannels: Int?

    @Option(help: "Store floating tensors as f32, f16 or bf16 (num_batches_tracked stays int64).")
    var dtype: String?

    @Option(help: ArgumentHelp(
        "Class names for the output's classifier rows, one per line (default: the input's, kept through the "
            + "adaptations; ImageNet's or CIFAR-10's for those class counts, else class_N).", valueName: "FILE"))
    var labels: String?

    @Flag(help: "Replace OUTPUT if it exists.")
    var force = false

    @Option(name: .customLong("to"), help: ArgumentHelp(
        "Write the names of this library: torchvision, timm or hf (a save_pretrained directory with config.json "
            + "and model.safetensors, unless OUTPUT names a .rnw, .safetensors, .pth, .pt or .bin file). "
            + "Default: the input's own.",
        valueName: "torchvision|timm|hf"))
    var library: String?

    @OptionGroup var strideInOption: StrideInOption
    var strideIn: StrideIn? { strideInOption.value }

    func validate() throws {
        if numClasses == nil && (fcInit != nil || seed != nil) {
            throw ValidationError("--fc-init and --seed only apply with --num-classes")
        }
        if let fcInit, Adaptation.RowInit(rawValue: fcInit) == nil {
            throw ValidationError("--fc-init must be 'uniform' or 'zeros', got '\(fcInit)'")
        }
        if let dtype, Self.outputDType(dtype) == nil {
            throw ValidationError("--dtype must be f32, f16 or bf16, got '\(dtype)'")
        }
        if let format, OutputFormat(rawValue: format) == nil {
            throw ValidationError("--format must be 'rnw' or 'pth', got '\(format)'")
        }
        if numClasses != nil && classes != nil {
            throw ValidationError("--num-classes and --classes cannot be combined")
        }
        if let library, ResNetConfig.Naming(library: library) == nil {
            throw ValidationError("--to must be torchvision, timm or hf, got '\(library)'")
        }
    }

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions
    @OptionGroup(title: "Choosing the model") var stateDict: StateDictOptions

    func run() throws {
        var adaptations: [Adaptation] = []
        if let numClasses {
            adaptations.append(
                .numClasses(numClasses, rowInit: Adaptation.RowInit(rawValue: fcInit ?? "uniform") ?? .uniform,
                            seed: seed ?? 0))
        }
        if let classes { adaptations.append(.classes(try ClassList.parse(classes))) }
        if let inChannels { adaptations.append(.inChannels(inChannels)) }
        if let dtype, let type = Self.outputDType(dtype) { adaptations.append(.dtype(type)) }
        let labelList = try labels.map { try readLabelsFile($0) }
        let options = ConvertOptions(
            arch: arch, adaptations: adaptations, force: force, rnxVersion: RNXVersion.current,
            format: format.flatMap(OutputFormat.init(rawValue:)),
            library: library.flatMap(ResNetConfig.Naming.init(library:)), strideIn: strideIn,
            labels: labelList)
        try onFile(output) { try Converter.checkOutput(output, input: input, force: force) }
        let report = try onFile(input) {
            let checkpoint = try Checkpoint.open(path: input, limits: pickleLimits.limits, selection: stateDict.selection)
            let bar = ProgressBar(label: "converting")
            defer { bar.finish() }
            return try Converter.convert(
                checkpoint, input: input, output: output, options: options, progress: bar.update(done:total:))
        }
        print(report.render())
    }

    static func outputDType(_ text: String) -> DType? {
        switch text.lowercased() {
        case "f32", "float32": .float32
        case "f16", "float16": .float16
        case "bf16", "bfloat16": .bfloat16
        default: nil
        }
    }
}
