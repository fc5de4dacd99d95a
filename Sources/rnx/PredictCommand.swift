import ArgumentParser
import Foundation
import RNXArch
import RNXConvert
import RNXForward
import RNXImage
import RNXPredict
import RNXTensor

/// `rnx predict MODEL IMAGE|DIR...`: the top classes of each photo.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify photos: the top classes of each JPEG or PNG, with the model's labels.",
        discussion: """
            MODEL is anything rnx run takes. Images are decoded like PIL's Image.open(f).convert("RGB") \
            (libjpeg-turbo, libpng) and preprocessed exactly as torchvision's transforms do on a PIL image: \
            the imagenet preset for ImageNet-family models (Resize(256) bilinear, CenterCrop(224), ToTensor, \
            Normalize with ImageNet's mean and std, as ResNet50_Weights.IMAGENET1K_V1.transforms()), the cifar \
            preset (Resize(32), CenterCrop(32), same normalisation) for the CIFAR nets; --preset and the other \
            options override it. Folders are walked for .jpg, .jpeg and .png files, sorted by path.

            For each image: rank, probability (softmax of the logits), class index and label. Labels are those the \
            .rnw records (rnx convert writes them), else ImageNet-1k's for 1000 classes, CIFAR-10's for a 10-class \
            CIFAR net, class_N otherwise; --labels FILE (one per line) overrides them.

            An image that cannot be read is reported on stderr and the others go on; the exit status is then the \
            first failure's (65 bad image, 66 cannot open). On a terminal, stderr shows a progress bar and images/s.

            Examples:
              rnx predict resnet50.rnw cat.jpg
              rnx predict resnet20.th photos/ --top 3 --json
              rnx predict model.pth shots/ --csv --batch 16 --labels classes.txt
            """
    )

    @Argument(help: "The model: a .rnw file or a checkpoint (.pth, .pth.tar, .safetensors).")
    var model: String

    @Argument(help: "Images (JPEG, PNG) or folders of them.")
    var images: [String]

    @Option(help: ArgumentHelp("Classes to list per image (default 5).", valueName: "K"))
    var top = 5

    @Flag(help: "Print JSON: {\"model\", \"preprocessing\", \"images\": [{\"file\", \"top\": [{\"index\", \"label\", \"probability\"}]}]}.")
    var json = false

    @Flag(help: "Print CSV: file,rank,index,label,probability.")
    var csv = false

    @Option(help: ArgumentHelp("Images per forward pass (default 8).", valueName: "N"))
    var batch = 8

    @Option(help: ArgumentHelp("Class names, one per line, one per classifier row (overrides the model's).",
                               valueName: "FILE"))
    var labels: String?

    @OptionGroup var options: ModelOptions
    @OptionGroup(title: "Preprocessing") var preprocess: PreprocessOptions

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be combined") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let loaded = try options.load(model)
        var names = loaded.labels
        if let labels { names = try readLabelsFile(labels, expected: loaded.model.config.numClasses) }
        let preprocessing = try preprocess.preprocessing(for: loaded.model.config)
        let classifier = try Classifier(model: loaded.model, labels: names, preprocessing: preprocessing,
                                        decoder: preprocess.decoder, threads: options.threads)
        let files = ImageFiles.collect(images)
        guard !files.isEmpty else { throw ValidationError("no JPEG or PNG files found in \(images.joined(separator: ", "))") }

        let output = PredictionOutput(
            format: json ? .json : csv ? .csv : .text, model: model,
            description: "\(loaded.architecture), \(loaded.model.config.numClasses) classes",
            preset: preprocess.presetName(for: loaded.model.config), preprocessing: preprocessing)
        output.begin()
        let bar = ProgressBar(label: "predict")
        let started = Date()
        var firstFailure: Int32?
        // The forward pass's own failures name the model; each image's name its file.
        try onFile(model) {
            try classifier.classify(contentsOfFiles: files, top: top, batchSize: batch) { index, outcome in
                let file = files[index]
                switch outcome {
                case .success(let list):
                    output.image(file: file, predictions: list)
                case .failure(let error):
                    let (message, status) = ErrorReport.render(error)
                    let text = message ?? String(describing: error)
                    FileHandle.standardError.write(Data("rnx: \(file): \(text)\n".utf8))
                    firstFailure = firstFailure ?? status
                    output.failure(file: file, message: text)
                }
                let rate = Double(index + 1) / max(Date().timeIntervalSince(started), 1e-9)
                bar.update(done: index + 1, total: files.count, note: String(format: "%.1f images/s", rate))
            }
        }
        bar.finish()
        output.end()
        if let firstFailure { throw ExitCode(firstFailure) }
    }
}
