/// One call of a module in the forward pass, with everything the summary tables show about it.
///
/// Calls are listed in the order their forward pre-hooks fire (a container before its children), as torchinfo
/// lists them; `completionIndex` is the order their forward hooks fire (children before the container), which is
/// torchsummary's order. A module called twice (a block's shared ReLU) gives two calls.
public struct LayerCall: Hashable, Sendable {
    /// The PyTorch class name: `Conv2d`, `BasicBlock`, `Sequential`, ...
    public var typeName: String
    /// The dotted module path, `layer1.0.conv1`; empty for the model itself.
    public var path: String
    /// Nesting depth: 0 for the model, 1 for its direct children.
    public var depth: Int
    /// The output shape, batch first.
    public var outputShape: [Int]
    /// Parameters of the module and its submodules.
    public var parameters: Int
    /// Parameters of the module's own `weight` and `bias` (what torchsummary counts); 0 for containers.
    public var weightParameters: Int
    /// Whether the module has a `weight` (torchsummary counts only those as trainable).
    public var hasWeight: Bool
    /// Whether the module has no submodules (torchinfo's leaf layers carry the mult-adds).
    public var isLeaf: Bool
    /// Whether the same module ran before in this forward pass (torchinfo's `(recursive)`).
    public var isRepeatCall: Bool
    /// Multiply-accumulates of a leaf, torchinfo's rule (0 for containers): a convolution counts every weight once
    /// per output pixel (`params × N × H' × W'`), BatchNorm and Linear count each parameter once per sample.
    public var multAdds: Int
    /// Whether this is a convolution or a linear layer, the layers `--flops` counts.
    public var isConvOrLinear: Bool
    /// Kernel and stride of convolutions and pools; nil for the rest.
    public var kernel: Extent?
    /// Stride of convolutions and pools; nil for the rest.
    public var stride: Extent?
    /// Input pixels one output unit sees, and the distance in input pixels between neighbouring output units,
    /// after this call.
    public var receptiveField: Extent
    /// The distance in input pixels between neighbouring output units after this call.
    public var jump: Extent
    /// Whether torchsummary hooks the module: every module except `Sequential` containers and the model itself.
    public var isHookedByTorchsummary: Bool
    /// Position among all calls in completion (forward hook) order.
    public var completionIndex: Int
    /// Number of calls that follow this one and run inside it.
    public var descendantCount: Int

    /// Elements of the output for one sample.
    public var outputElementsPerSample: Int { outputShape.dropFirst().reduce(1, *) }
}
