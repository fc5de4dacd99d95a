import ArgumentParser
import RNXCheckpoint
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
            that cannot be read is an error and nothing is written. The result goes to rnx run --input.

            Example:
              rnx preprocess cat.jpg dog.png --preset imagenet --output batch.npy
            """
    )

    @Argument(help: "Images (JPEG, PNG) or folders of them.")
    var images: [String]

    @Option(help: ArgumentHelp("Where to write the [N, 3, H, W] float32 batch (.npy).", valueName: "x.npy"))
    var output: String

    @OptionGroup(title: "Preprocessing") var preprocess: PreprocessOptions

    func run() throws {
        let preprocessing = try preprocess.preprocessing(for: nil)
        let files = ImageFiles.collect(images)
        guard !files.isEmpty else { throw ValidationError("no JPEG or PNG files found in \(images.joined(separator: ", "))") }
        let decoder = preprocess.decoder
        let side = preprocessing.crop
        var values: [Float] = []
        values.reserveCapacity(files.count * 3 * side * side)
        for file in files {
            let image = try onFile(file) { try decoder.decode(contentsOfFile: file) }
            values += try onFile(file) { try preprocessing.tensor(image) }
        }
        try onFile(output) {
            try NumpyArray(shape: [files.count, 3, side, side], values: values).write(toFile: output)
        }
    }
}
