import RNXTensor

/// One change `rnx convert` makes to the weights on the way through.
public enum Adaptation: Equatable, Sendable {
    /// How new classifier rows are initialised when `--num-classes` asks for more rows than the file has.
    public enum RowInit: String, Equatable, Sendable {
        /// Like a fresh `nn.Linear`: weight and bias uniform in ±1/sqrt(in_features), from SplitMix64(seed).
        case uniform
        /// All zeros.
        case zeros
    }

    /// Keep the first N classifier rows, or keep all and append new ones.
    case numClasses(Int, rowInit: RowInit = .uniform, seed: UInt64 = 0)
    /// Keep exactly these classifier rows, in this order.
    case classes([Int])
    /// Adapt conv1 to this many input channels.
    case inChannels(Int)
    /// Store floating tensors in this dtype (integer tensors keep theirs).
    case dtype(DType)
}

extension Adaptation {
    /// Whether this adaptation changes only how tensors are stored (`--dtype`), not what the network computes.
    public var isDType: Bool {
        if case .dtype = self { return true }
        return false
    }
}
