import ArgumentParser
import Foundation
import RNXArch
import RNXCheckpoint
import RNXConvert
import RNXExport
import RNXTensor

/// `rnx export MODEL OUT.onnx`: the network and its weights as an ONNX model.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a checkpoint as an ONNX model (graph and weights) for onnxruntime and other runtimes.",
        discussion: """
            The tensors are mapped onto their ResNet (detected, or --arch) and adapted like rnx convert; the graph is \
            built from the module tree: Conv (BatchNorm folded in, or BatchNormalization with --keep-bn), Relu, \
            MaxPool, Add, GlobalAveragePool, Flatten, Gemm, and for the CIFAR option-A shortcut Slice + Pad; \
            timm's avg-down shortcut adds AveragePool (ceil_mode), squeeze-excitation GlobalAveragePool, Conv, \
            Relu, Conv, Sigmoid and Mul, ECA a Reshape'd 1-D Conv over the channels; transformers' models (a \
            save_pretrained directory) follow their config.json. Input 'input' is float32 [N, C, H, W] with N, H \
            and W symbolic; output 'logits' is [N, classes]. metadata_props hold the architecture, its \
            configuration, the source file and its SHA-256, the adaptations, the labels and data_sha256 (of every \
            initializer's bytes, checked by rnx verify). Weights over 2 GiB \
            (or with --external-data) go to OUTPUT.data beside the model. Written one initializer at a time to \
            temporary files that are renamed into place; on any error nothing is left behind.

            Examples:
              rnx export resnet50-0676ba61.pth resnet50.onnx
              rnx export resnet20.th cifar.onnx --opset 13 --keep-bn
              rnx export resnet18.pth gray10.onnx --num-classes 10 --in-channels 1
            """
    )

    @Argument(help: "The checkpoint to export (.pth, .pth.tar, .safetensors, .rnw).")
    var input: String

    @Argument(help: "The .onnx file to write.")
    var output: String

    @Option(help: "Insist on this architecture (see rnx archs); any mismatch is an error.")
    var arch: String?

    @Option(help: "Classifier rows to keep (the first N), or more rows initialised like rnx convert's.")
    var numClasses: Int?

    @Option(help: "Keep exactly these classifier rows, in this order: '5,3,999', or '@FILE' with one index per line.")
    var classes: String?

    @Option(help: "Adapt conv1 to C input channels as rnx convert does.")
    var inChannels: Int?

    @Option(help: "ONNX opset, 13 to 21 (default 17).")
    var opset: Int = ONNXExporter.defaultOpset

    @Flag(help: "Keep BatchNorm as BatchNormalization nodes instead of folding it into the convolutions.")
    var keepBn = false

    @Flag(help: "Write the weights to OUTPUT.data (ONNX external data) even below 2 GiB.")
    var externalData = false

    @Option(help: ArgumentHelp(
        "Class names for the classifier rows, one per line, recorded as the labels metadata (default: the input's, "
            + "kept through the adaptations, as rnx convert does).", valueName: "FILE"))
    var labels: String?

    @Flag(help: "Replace OUTPUT (and OUTPUT.data) if it exists.")
    var force = false

    @OptionGroup var strideInOption: StrideInOption

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions

    func validate() throws {
        if numClasses != nil && classes != nil {
            throw ValidationError("--num-classes and --classes cannot be combined")
        }
    }

    func run() throws {
        if !ONNXExporter.opsets.contains(opset) { throw ExportError.unsupportedOpset(opset) }
        var adaptations: [Adaptation] = []
        if let numClasses { adaptations.append(.numClasses(numClasses)) }
        if let classes { adaptations.append(.classes(try ClassList.parse(classes))) }
        if let inChannels { adaptations.append(.inChannels(inChannels)) }
        let dataPath = output + ".data"
        try onFile(output) { try Converter.checkOutput(output, input: input, force: force) }
        let options = ONNXExporter.Options(opset: opset, keepBatchNorm: keepBn, externalData: externalData ? true : nil)
        let givenLabels = try labels.map { try readLabelsFile($0) }
        let (checkpoint, plan, notes, labelList, sourceNaming) = try onFile(input) {
            let checkpoint = try pickleLimits.open(input)
            let resolved = try WeightMapping.resolve(
                checkpoint.descriptors, arch: arch, transformersConfig: checkpoint.companionConfig,
                strideIn: strideInOption.value)
            let source = resolved.config
            let plan = try ONNXExporter.plan(
                source: checkpoint, architecture: source, adaptations: adaptations, options: options)
            let adaptation = try AdaptationPlan(
                source: source, descriptors: checkpoint.descriptors, adaptations: adaptations)
            let labelList = try Converter.outputLabels(
                checkpoint, source: source, plan: adaptation, given: givenLabels, configured: resolved.labels)
            var notes = Converter.extractionNotes(checkpoint.details) + resolved.notes + adaptation.notes
            if givenLabels != nil { notes.append("labels set from a file (\(labelList.count) names)") }
            return (checkpoint, plan, notes, labelList, source.naming)
        }
        if plan.usesExternalData { try onFile(dataPath) { try Converter.checkOutput(dataPath, input: input, force: force) } }
        // The input's SHA-256 goes into the metadata, written last: computed alongside.
        let digest = BackgroundDigest(path: checkpoint.path)
        defer { _ = digest.waitIgnoringErrors() }
        let config = plan.config
        let metadata: () throws -> [(key: String, value: String)] = {
            [
                ("architecture", config.displayName), ("config", config.jsonDescription),
                ("num_classes", String(config.numClasses)), ("in_channels", String(config.inChannels)),
                ("source_file", URL(fileURLWithPath: input).lastPathComponent),
                ("source_format", checkpoint.format.rawValue), ("source_sha256", try digest.wait().file),
                ("adaptations", Converter.jsonArray(notes)), ("rnx_version", RNXVersion.current),
                ("batchnorm", keepBn ? "kept" : "folded"), ("labels", ClassLabels.json(labelList)),
            ] + (sourceNaming == .torchvision ? [] : [("source_library", sourceNaming.rawValue)])
        }
        let location = URL(fileURLWithPath: dataPath).lastPathComponent
        let bar = ProgressBar(label: "exporting")
        let result = try onFile(output) {
            defer { bar.finish() }
            // The data file is committed before the model, so the model never refers to data that is not there.
            let model = try OutputFile(path: output, force: force, inputs: [input, checkpoint.path])
            let data = try plan.usesExternalData ? onFile(dataPath) {
                try OutputFile(path: dataPath, force: force, inputs: [input, checkpoint.path])
            } : nil
            let result = try ONNXExporter.write(
                plan, to: model, externalData: data, externalDataLocation: location,
                producerVersion: RNXVersion.current, metadata: metadata, progress: bar.update(done:total:))
            try data.map { file in try onFile(dataPath) { try file.commit() } }
            try model.commit()
            return result
        }
        var lines = [
            "exported \(input) -> \(output)",
            "architecture: \(config.displayName) (\(config.numClasses) classes, \(config.inChannels) input channels)",
            "opset: \(opset), batchnorm \(keepBn ? "kept" : "folded")",
            "nodes: \(result.nodeCount), initializers: \(result.initializerCount)",
            "output size: \(result.fileSize.formatted(groupingSeparator: ",")) bytes",
        ]
        if let size = result.externalDataSize {
            lines.append("external data: \(dataPath), \(size.formatted(groupingSeparator: ",")) bytes")
        }
        lines.append("data sha256: \(result.dataSHA256)")
        print(lines.joined(separator: "\n"))
    }
}
