import ArgumentParser
import RNXCheckpoint
import RNXConvert
import RNXForward

/// `rnx run`: logits for a batch of images, from a checkpoint or .rnw file.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model's forward pass on a NumPy batch and write the logits.",
        discussion: """
            MODEL is a .rnw file or any checkpoint rnx reads; it is mapped on the fly like rnx convert maps it \
            (--arch, --num-classes, --in-channels). The input is an .npy file of shape [N, C, H, W] (float32 or \
            float64, C or Fortran order); the output is an .npy file of shape [N, classes], float32. Inference runs \
            in float32 with BatchNorm in eval mode, on oneDNN (OpenBLAS when RNX_ENGINE=openblas or \
            oneDNN refuses the model).

            Example:
              rnx run resnet20-cifar10.pth --input images.npy --output logits.npy
            """
    )

    @Argument(help: "The model: a .rnw file or a checkpoint (.pth, .pth.tar, .safetensors).")
    var model: String

    @Option(help: ArgumentHelp("The input batch, an .npy array of shape [N, C, H, W].", valueName: "x.npy"))
    var input: String

    @Option(help: ArgumentHelp("Where to write the [N, classes] float32 logits (.npy).", valueName: "y.npy"))
    var output: String

    @OptionGroup var options: ModelOptions

    func run() throws {
        // Created first, so an output that cannot be written is found before the forward pass; an existing file
        // is replaced only once the new one is complete, and an interrupted run leaves nothing (OutputFile).
        let file = try onFile(output) { try OutputFile(path: output, force: true, inputs: [model, input]) }
        let loaded = try options.load(model)
        let x = try onFile(input) { try NumpyArray(contentsOfFile: input) }
        let bar = ProgressBar(label: "run")
        let logits = try onFile(input) {
            defer { bar.finish() }
            return try loaded.model.run(x.values, shape: x.shape, threads: options.threads, chunk: 16,
                                        progress: bar.update(done:total:))
        }
        try onFile(output) {
            try NumpyArray(shape: [x.shape[0], loaded.model.config.numClasses], values: logits).write(to: file)
            try file.commit()
        }
    }
}
