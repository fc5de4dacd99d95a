/// A block's channel attention, timm's `se` module: a per-channel gate computed from the global mean of the main
/// path's output, which multiplies that output before the residual sum.
enum ChannelAttention: Sendable {
    /// SEModule: `gate = sigmoid(fc2(relu(fc1(mean))))`; `reduce` is `[reduced][channels]`, `expand`
    /// `[channels][reduced]`, both row-major 1×1 convolutions with bias.
    case squeezeExcite(channels: Int, reduced: Int, reduce: [Float], reduceBias: [Float], expand: [Float],
                       expandBias: [Float])
    /// EcaModule: `gate = sigmoid(conv1d(mean over channels))`, an odd kernel with zero padding `(k - 1) / 2`.
    case eca(kernel: [Float])

    /// SE's hidden units per image (none for ECA).
    var hiddenCount: Int {
        switch self {
        case .squeezeExcite(_, let reduced, _, _, _, _): reduced
        case .eca: 0
        }
    }

    /// Scratch floats one pass needs per image: the means, the gate and SE's hidden layer.
    func scratchPerImage(channels: Int) -> Int {
        switch self {
        case .squeezeExcite(_, let reduced, _, _, _, _): 2 * channels + reduced
        case .eca: 2 * channels
        }
    }
}
