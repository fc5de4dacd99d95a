/// One residual block: its convolutions in order (the last one takes the shortcut) and the shortcut.
struct ResidualBlock: Sendable {
    enum Shortcut: Sendable {
        case identity
        case projection(ConvLayer)
        /// CIFAR option A: `x[:, :, ::stride, ::stride]` placed at channel `padBefore` of a zero tensor.
        case zeroPad(stride: Int, padBefore: Int, padAfter: Int)
    }

    let convs: [ConvLayer]
    let shortcut: Shortcut
}
