/// A convolution with its BatchNorm folded in: `y = W * x + b`, weights `[out, in / groups * k * k]` row-major.
struct ConvLayer: Sendable {
    /// The convolution's `state_dict()` prefix, e.g. `layer1.0.conv1`, for messages and the dead-layer check.
    let name: String
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let groups: Int
    let weights: [Float]
    let bias: [Float]

    /// Elements of one group's filter: the GEMM's inner dimension.
    var groupDepth: Int { inChannels / groups * kernel * kernel }

    /// Whether the input can feed the GEMM as it is (1×1, stride 1, no padding).
    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// Output size along one axis, or nil if the input is too small.
    func outputSize(_ input: Int) -> Int? {
        Self.outputSize(input, kernel: kernel, stride: stride, padding: padding)
    }

    /// Output size along one axis of a `kernel`-wide window (convolution or pooling), or nil if the input is too
    /// small for one window.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int) -> Int? {
        let span = input + 2 * padding - kernel
        return span < 0 ? nil : span / stride + 1
    }
}
