import ArgumentParser
import RNXCheckpoint
import RNXForward
import RNXImage

/// `rnx preprocess IMAGE... --output x.npy`: the exact tensor `rnx predict` feeds the model.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Decode and preprocess images into the [N, 3, H, W] float32 .npy batch rnx predict feeds a model.",
        discussion: """
            The images (JPEG or PNG, recognised from their bytes; folders are walked) are decoded like PIL's \
            Image.open(f).convert("RGB") and transformed exactly as torchvision's Resize, CenterCrop, ToTensor and \
            Normalize do on a PIL image, so the batch equals a torchvision pipeline's (see --preset). Any image \
            that cannot be read is an error and nothing is written. Images are decoded several at a time \
            (--threads). The result goes to rnx run --input.

            Example:
              rnx preprocess cat.jpg dog.png --preset imagenet --output batch.npy
            """
    )

    @Argument(help: "Images (JPEG, PNG) or folders of them.")
    var images: [String]

    @Option(help: ArgumentHelp("Where to write the [N, 3, H, W] float32 batch (.npy).", valueName: "x.npy"))
    var output: String

    @OptionGroup(title: "Preprocessing") var preprocess: PreprocessOptions

    @Option(help: ArgumentHelp("Images decoded and preprocessed at once (default: every core).", valueName: "T"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let preprocessing = try preprocess.preprocessing(for: nil)
        let files = ImageFiles.collect(images)
        guard !files.isEmpty else { throw ValidationError("no JPEG or PNG files found in \(images.joined(separator: ", "))") }
        let side = preprocessing.crop
        let batch = preprocessing.batch(contentsOfFiles: files, decoder: preprocess.decoder,
                                        threads: threads ?? ForwardThreads.defaultCount)
        // The first image that failed, by position, as a serial run would have reported it.
        if let failure = batch.failures.first { try onFile(files[failure.index]) { throw failure.error } }
        try onFile(output) {
            try NumpyArray(shape: [files.count, 3, side, side], values: batch.tensor).write(toFile: output)
        }
    }
}
