import RNXArch
import RNXCheckpoint

/// What `rnx validate` checks, and its report.
public struct Validation: Sendable {
    /// What the logits were compared with.
    public enum Mode: Sendable, Equatable {
        /// PyTorch-made logits from `--expect`.
        case expected(path: String)
        /// Another file of the same model (`--against`).
        case against(path: String)
        /// No reference: finite outputs, positive running variances, no dead layers.
        case selfCheck
    }

    /// MODEL as given on the command line (a path or an architecture name).
    public let model: String
    /// The architecture the model was mapped onto.
    public let architecture: String
    /// What the logits were compared with.
    public let mode: Mode
    /// The input's `[N, C, H, W]`.
    public let inputShape: [Int]
    /// The largest difference allowed, relative to the reference's largest logit; wider for f16 and bf16 files.
    public let relativeTolerance: Double
    /// Present when there was a reference.
    public let comparison: LogitComparison?
    /// Whether every output logit is finite.
    public let finiteOutputs: Bool
    /// Running-variance tensors that are not positive (self-check).
    public let badRunningVariances: [String]
    /// Convolutions whose output (after bias, residual and ReLU) is all zero for the whole input (self-check).
    public let deadLayers: [String]
    /// The BLAS kernels of the OpenBLAS engine, and why those.
    public let kernels: KernelReport
    /// The engine the logits were computed on, and why that one.
    public let engine: EngineReport
    /// The adaptations applied to one side because the other file records them (`.rnw` metadata), one line each.
    public var recordedAdaptations: [String] = []

    /// The default relative tolerance for logits of weights stored as `adaptations` say: float32's 1e-4, or
    /// what rounding every weight to a 16-bit float costs (f16 keeps 11 significant bits, bf16 8).
    public static func defaultTolerance(after adaptations: [Adaptation]) -> Double {
        var tolerance = 1e-4
        for case .dtype(let dtype) in adaptations {
            switch dtype {
            case .float16: tolerance = max(tolerance, 1e-2)
            case .bfloat16: tolerance = max(tolerance, 5e-2)
            default: break
            }
        }
        return tolerance
    }

    /// Whether the model passes.
    public var passed: Bool {
        guard finiteOutputs else { return false }
        if let comparison { return comparison.passes(relativeTolerance: relativeTolerance) }
        return badRunningVariances.isEmpty && deadLayers.isEmpty
    }

    /// Runs `loaded` on `input` and compares with `expected` logits.
    public static func compare(
        _ loaded: ModelLoader.Loaded, modelPath: String, input: NumpyArray, expected: NumpyArray, expectedPath: String,
        relativeTolerance: Double, threads: Int
    ) throws -> Validation {
        let (logits, engine) = try run(loaded.model, input.values, shape: input.shape, threads: threads)
        let comparison = try LogitComparison(
            logits: logits, reference: expected.values, shape: [input.shape[0], loaded.model.config.numClasses],
            referenceShape: expected.shape)
        return Validation(
            model: modelPath, architecture: loaded.architecture, mode: .expected(path: expectedPath),
            inputShape: input.shape, relativeTolerance: relativeTolerance, comparison: comparison,
            finiteOutputs: logits.allSatisfy(\.isFinite), badRunningVariances: [], deadLayers: [],
            kernels: try BLAS.load().kernels, engine: engine)
    }

    /// Runs `loaded` and `reference` (another file of the same model) on `input` and compares them.
    public static func compare(
        _ loaded: ModelLoader.Loaded, modelPath: String, against reference: ModelLoader.Loaded, referencePath: String,
        input: NumpyArray?, relativeTolerance: Double, threads: Int
    ) throws -> Validation {
        let (values, shape) = input.map { ($0.values, $0.shape) } ?? fixedInput(for: loaded.model)
        let (logits, engine) = try run(loaded.model, values, shape: shape, threads: threads)
        let (expected, _) = try run(reference.model, values, shape: shape, threads: threads)
        let comparison = try LogitComparison(
            logits: logits, reference: expected, shape: [shape[0], loaded.model.config.numClasses],
            referenceShape: [shape[0], reference.model.config.numClasses])
        return Validation(
            model: modelPath, architecture: loaded.architecture, mode: .against(path: referencePath),
            inputShape: shape, relativeTolerance: relativeTolerance, comparison: comparison,
            finiteOutputs: logits.allSatisfy(\.isFinite), badRunningVariances: [], deadLayers: [],
            kernels: try BLAS.load().kernels, engine: engine)
    }

    /// Runs `loaded` on `input` (or the fixed input) and checks what can be checked without a reference.
    public static func selfCheck(
        _ loaded: ModelLoader.Loaded, modelPath: String, input: NumpyArray?, threads: Int
    ) throws -> Validation {
        let (values, shape) = input.map { ($0.values, $0.shape) } ?? fixedInput(for: loaded.model)
        let plan = try ForwardPlan(model: loaded.model, batch: shape[0], channels: shape[1], height: shape[2],
                                   width: shape[3], threads: threads)
        var dead: [String] = []
        // Observing runs the OpenBLAS engine (its buffers are the layout `observe` shows); the logits checked are
        // those of the engine the plan runs on.
        let observed = try plan.run(values) { layer, output in
            if !output.contains(where: { $0 != 0 }) { dead.append(layer) }
        }
        let logits = plan.engine.library == "OpenBLAS" ? observed : try plan.run(values)
        return Validation(
            model: modelPath, architecture: loaded.architecture, mode: .selfCheck, inputShape: shape,
            relativeTolerance: 0, comparison: nil, finiteOutputs: logits.allSatisfy(\.isFinite),
            badRunningVariances: loaded.badRunningVariances, deadLayers: dead,
            kernels: try BLAS.load().kernels, engine: plan.engine)
    }

    /// The logits of one pass over `values` and the engine that ran it.
    static func run(_ model: ForwardModel, _ values: [Float], shape: [Int], threads: Int) throws
        -> ([Float], EngineReport)
    {
        guard shape.count == 4 else { throw ForwardError.inputRank(shape: shape) }
        let plan = try ForwardPlan(model: model, batch: shape[0], channels: shape[1], height: shape[2],
                                   width: shape[3], threads: threads)
        return (try plan.run(values), plan.engine)
    }

    /// Two images of the fixed input at the model's default size.
    static func fixedInput(for model: ForwardModel) -> ([Float], [Int]) {
        let size = FixedInput.defaultSize(for: model)
        let shape = [2, model.config.inChannels, size, size]
        return (FixedInput.values(count: shape.reduce(1, *)), shape)
    }
}
