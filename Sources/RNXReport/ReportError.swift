import RNXTensor

/// Why a report could not be produced.
public enum ReportError: Error, Hashable, Sendable {
    /// `--input-size` is not `CxHxW` or `HxW` with positive numbers.
    case invalidInputSize(String)
    /// A count option (batch size, classes, channels, depth) is outside what makes sense.
    case invalidOption(name: String, value: Int)
    /// The input's channels differ from the channels the model's first convolution takes.
    case channelMismatch(input: Int, model: Int)
    /// An input that some layer cannot take: the message says which layer and what the limit is.
    case inputDoesNotFit(input: String, architecture: String, reason: String)
    /// A shape, parameter or mult-add count overflows a 64-bit integer.
    case sizeOverflow(layer: String)
    /// `render(architecture:)` was given a name `rnx archs` does not list.
    case unknownArchitecture(String)
    /// A style whose tool cannot summarise this library's model (torchsummary on transformers' ResNet).
    case styleUnavailable(style: String, reason: String)
}

extension ReportError: RNXError {
    /// Always `.usage`: every report error is a request that cannot be met (the file's own errors come from the
    /// readers and the mapping).
    public var category: ErrorCategory {
        switch self {
        case .invalidInputSize, .invalidOption, .channelMismatch, .inputDoesNotFit, .sizeOverflow,
            .unknownArchitecture, .styleUnavailable:
            .usage
        }
    }

    /// One line naming the option or size and what it must be.
    public var description: String {
        switch self {
        case .invalidInputSize(let text):
            "--input-size must be CxHxW or HxW with positive numbers, e.g. 3x224x224, not '\(text)'"
        case .invalidOption(let name, let value):
            "\(name) must be \(name == "--depth" ? "0 or more" : "1 or more"), not \(value)"
        case .channelMismatch(let input, let model):
            "the input has \(input) channels but the model's conv1 takes \(model)"
        case .inputDoesNotFit(let input, let architecture, let reason):
            "input \(input) does not fit \(architecture): \(reason)"
        case .sizeOverflow(let layer):
            "sizes overflow 64-bit integers at \(layer)"
        case .unknownArchitecture(let name):
            "unknown architecture '\(name)' (rnx archs lists the names)"
        case .styleUnavailable(let style, let reason):
            "--style \(style) is not available: \(reason)"
        }
    }
}
