import Foundation
import RNXTensor

/// Timed forward passes: what `rnx bench` measures.
public struct Benchmark: Sendable {
    /// The architecture's name, or the checkpoint's detected one.
    public let architecture: String
    /// Images per pass.
    public let batch: Int
    /// The input's height and width in pixels.
    public let size: Int
    /// Threads each pass ran on.
    public let threads: Int
    /// Wall time of each timed pass, in milliseconds.
    public let times: [Double]
    /// The engine the passes ran on, and why that one.
    public let engine: EngineReport
    /// The BLAS kernels of the OpenBLAS engine (the one the passes ran on, or the fallback), and why those.
    public let kernels: KernelReport

    /// The median pass time: the figure `rnx bench` reports, as it shrugs off a shared machine's stray slow passes.
    public var medianMilliseconds: Double {
        let sorted = times.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The fastest pass: closest to what the hardware can do when nothing else runs.
    public var minimumMilliseconds: Double { times.min() ?? 0 }

    /// Images per second at the median latency.
    public var imagesPerSecond: Double { Double(batch) * 1000 / medianMilliseconds }

    /// Plans a pass for `[batch, C, size, size]`, runs `warmup` untimed passes, then `iterations` timed ones.
    /// `progress` is called after each pass with (passes done, passes in all).
    public static func run(
        _ loaded: ModelLoader.Loaded, batch: Int, size: Int?, threads: Int, iterations: Int, warmup: Int = 1,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Benchmark {
        for (name, value) in [("batch", batch), ("iterations", iterations), ("threads", threads)] where value < 1 {
            throw ForwardError.invalidSetting(name: name, value: value)
        }
        let model = loaded.model
        let size = size ?? FixedInput.defaultSize(for: model)
        guard size >= 1 else { throw ForwardError.invalidSetting(name: "size", value: size) }
        let plan = try ForwardPlan(model: model, batch: batch, channels: model.config.inChannels, height: size,
                                   width: size, threads: threads)
        let input = FixedInput.values(count: batch * model.config.inChannels * size * size)
        let total = warmup + iterations
        var times: [Double] = []
        for pass in 0..<total {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try plan.run(input)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if pass >= warmup { times.append(elapsed) }
            progress?(pass + 1, total)
        }
        return Benchmark(architecture: loaded.architecture, batch: batch, size: size, threads: threads, times: times,
                         engine: plan.engine, kernels: try BLAS.load().kernels)
    }

    /// The report `rnx bench` prints.
    public var text: String {
        [
            "model: \(architecture), batch \(batch), \(size)x\(size), \(threads) thread\(threads == 1 ? "" : "s"), "
                + "\(times.count) timed pass\(times.count == 1 ? "" : "es")",
            String(format: "median: %.2f ms", medianMilliseconds),
            String(format: "min: %.2f ms", minimumMilliseconds),
            String(format: "throughput: %.1f images/s", imagesPerSecond),
            engine.text,
            kernels.text,
        ].joined(separator: "\n")
    }

    /// The JSON `rnx bench --json` prints.
    public var json: String {
        let fields = [
            "\"model\":\(architecture.jsonQuoted)", "\"batch\":\(batch)", "\"size\":\(size)",
            "\"threads\":\(threads)", "\"iterations\":\(times.count)",
            "\"median_ms\":\(medianMilliseconds.jsonNumber)", "\"min_ms\":\(minimumMilliseconds.jsonNumber)",
            "\"images_per_s\":\(imagesPerSecond.jsonNumber)",
            "\"times_ms\":[\(times.map(\.jsonNumber).joined(separator: ","))]",
            "\"engine\":\(engine.json)",
            "\"blas\":\(kernels.json)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
