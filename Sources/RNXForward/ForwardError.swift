import RNXTensor

/// Everything that can go wrong when building or running the forward pass.
public enum ForwardError: Error, Equatable, Sendable {
    /// A tensor the architecture needs is not in the weights.
    case missingTensor(String)
    /// A tensor has another shape than the architecture needs.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A weight that must be floating point is stored as an integer type.
    case notFloatingPoint(name: String, dtype: DType)
    /// The input is not a rank-4 [N, C, H, W] array.
    case inputRank(shape: [Int])
    /// The input has another channel count than the model's first convolution takes.
    case wrongChannelCount(expected: Int, found: Int)
    /// The batch is empty.
    case emptyBatch
    /// The image is too small for the network's strided layers; `minimum` is the smallest square size that works.
    case imageTooSmall(height: Int, width: Int, minimum: Int)
    /// The CIFAR nets' final `avg_pool2d(out, out.size(3))` needs a final feature map of height h, width w with
    /// w <= h < 2w (that is how the reference implementation behaves); other aspect ratios fail in PyTorch too.
    case unsupportedAspectRatio(height: Int, width: Int)
    /// The activations of one pass would not fit in memory (element counts overflow).
    case inputTooLarge(shape: [Int])
    /// Thread counts, batch sizes, sizes or iteration counts must be at least 1.
    case invalidSetting(name: String, value: Int)
    /// Two logit arrays to compare have different shapes.
    case logitShapeMismatch(expected: [Int], found: [Int])
    /// `--arch` given with an architecture name instead of a model file.
    case archWithName(name: String, arch: String)
    /// OpenBLAS could not be loaded (Debian: `libopenblas0`), so no forward pass can run.
    case blasUnavailable(reason: String)
    /// A oneDNN call failed (`call`, and its `dnnl_status_t`).
    case engineFailure(call: String, status: Int)
}

extension ForwardError: RNXError {
    /// `.usage` for impossible settings, `.io` when OpenBLAS cannot be loaded, `.badData` for weights or
    /// inputs that do not fit the network.
    public var category: ErrorCategory {
        switch self {
        case .invalidSetting, .archWithName: .usage
        case .blasUnavailable, .engineFailure: .io
        default: .badData
        }
    }

    /// One line naming the tensor, shape or setting and the problem.
    public var description: String {
        switch self {
        case .missingTensor(let name):
            "missing tensor '\(name)'"
        case .shapeMismatch(let name, let expected, let found):
            "\(name): expected \(expected.shapeDescription), found \(found.shapeDescription)"
        case .notFloatingPoint(let name, let dtype):
            "\(name): expected a floating-point tensor, found \(dtype.rawValue)"
        case .inputRank(let shape):
            "input of shape \(shape.shapeDescription): expected [N, C, H, W]"
        case .wrongChannelCount(let expected, let found):
            "input has \(found) channels, the model expects \(expected)"
        case .emptyBatch:
            "input batch is empty (N = 0)"
        case .imageTooSmall(let height, let width, let minimum):
            "input image \(height)x\(width) is too small: the model needs at least \(minimum)x\(minimum)"
        case .unsupportedAspectRatio(let height, let width):
            "input image \(height)x\(width): the CIFAR model's final avg_pool2d needs width <= height < 2 x width "
                + "at the last stage"
        case .inputTooLarge(let shape):
            "input of shape \(shape.shapeDescription) is too large"
        case .invalidSetting(let name, let value):
            "\(name) must be at least 1, got \(value)"
        case .logitShapeMismatch(let expected, let found):
            "logits of shape \(found.shapeDescription) do not match the reference's \(expected.shapeDescription)"
        case .archWithName(let name, let arch):
            "--arch \(arch) applies to model files; \(name) is an architecture name already"
        case .blasUnavailable(let reason):
            "cannot load OpenBLAS, which the forward pass needs (install libopenblas0): \(reason)"
        case .engineFailure(let call, let status):
            "oneDNN failed: \(call) returned status \(status)"
        }
    }
}
