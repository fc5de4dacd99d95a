import ArgumentParser
import RNXConvert
import RNXForward

/// `rnx bench`: forward-pass latency and throughput.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the forward pass: median and min latency, images per second.",
        discussion: """
            MODEL is an architecture name (see rnx archs), run with deterministic synthetic weights, or a model \
            file (.rnw or checkpoint). After one untimed warm-up pass, K passes over a fixed batch are timed.

            Examples:
              rnx bench resnet50 --batch 8 --threads 2
              rnx bench resnet50.rnw --size 160 --json
            """
    )

    @Argument(help: """
        An architecture name (synthetic weights) or a model file \
        (a name wins over a file of that name: write ./NAME for the file).
        """)
    var model: String

    @Option(help: "Images per pass.")
    var batch: Int = 1

    @Option(help: "Square input size in pixels (default: 224, 32 for CIFAR nets).")
    var size: Int?

    @Option(help: "Timed passes after the warm-up.")
    var iterations: Int = 10

    @Flag(help: "Print JSON with median_ms, min_ms and images_per_s.")
    var json = false

    @OptionGroup var options: ModelOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        if let size, size < 1 { throw ValidationError("--size must be at least 1") }
    }

    func run() throws {
        let loaded = try options.load(model, allowName: true)
        let bar = ProgressBar(label: "bench")
        let result = try onFile(model) {
            defer { bar.finish() }
            return try Benchmark.run(loaded, batch: batch, size: size, threads: options.threads,
                                     iterations: iterations, progress: bar.update(done:total:))
        }
        print(json ? result.json : result.text)
    }
}
