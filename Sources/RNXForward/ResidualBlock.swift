/// One residual block: its convolutions in order (the last one takes the shortcut) and the shortcut.
struct ResidualBlock: Sendable {
    enum Shortcut: Sendable {
        case identity
        case projection(ConvLayer)
        /// CIFAR option A: `x[:, :, ::stride, ::stride]` placed at channel `padBefore` of a zero tensor.
        case zeroPad(stride: Int, padBefore: Int, padAfter: Int)
        /// timm's avg-down: `AvgPool2d(pool, pool, ceil_mode=True, count_include_pad=False)`, then the 1×1
        /// convolution (stride 1).
        case pooledProjection(pool: Int, ConvLayer)
    }

    let convs: [ConvLayer]
    let shortcut: Shortcut
    /// The gate applied to the last convolution's output before the residual sum (timm's `se`), if any.
    var attention: ChannelAttention? = nil
}
