/// The element type of a tensor, as torch names it.
///
/// Covers every plain torch dtype a checkpoint can hold. Bytes are always stored little-endian.
public enum DType: String, Sendable, CaseIterable, Hashable {
    /// 64-bit IEEE float (`torch.float64`, `torch.double`).
    case float64
    /// 32-bit IEEE float (`torch.float32`), what the forward pass computes in.
    case float32
    /// 16-bit IEEE float (`torch.float16`, `torch.half`).
    case float16
    /// bfloat16 (`torch.bfloat16`): float32's exponent with a 7-bit mantissa.
    case bfloat16
    /// 64-bit signed integer (`torch.int64`), e.g. BatchNorm's `num_batches_tracked`.
    case int64
    /// 32-bit signed integer.
    case int32
    /// 16-bit signed integer.
    case int16
    /// 8-bit signed integer.
    case int8
    /// 8-bit unsigned integer.
    case uint8
    /// One byte per element, 0 or 1 (`torch.bool`).
    case bool
    /// 16-bit unsigned integer (torch 2.3 and later).
    case uint16
    /// 32-bit unsigned integer (torch 2.3 and later).
    case uint32
    /// 64-bit unsigned integer (torch 2.3 and later).
    case uint64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: 8
        case .float32, .int32, .uint32: 4
        case .float16, .bfloat16, .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Whether the type is a floating-point type (the ones `--dtype` converts).
    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16: true
        default: false
        }
    }

    /// The dtype code safetensors uses in its header (`F32`, `BF16`, `I64`, `BOOL`, ...).
    public var safetensorsCode: String {
        switch self {
        case .float64: "F64"
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int64: "I64"
        case .int32: "I32"
        case .int16: "I16"
        case .int8: "I8"
        case .uint8: "U8"
        case .bool: "BOOL"
        case .uint16: "U16"
        case .uint32: "U32"
        case .uint64: "U64"
        }
    }

    /// Looks a dtype up by its safetensors code.
    ///
    /// - Parameter code: a header's `dtype` value, e.g. `F32`; nil for a code rnx does not know.
    public init?(safetensorsCode code: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsCode == code }) else { return nil }
        self = match
    }

    /// The short name used on the command line and in tables: `f32`, `f16`, `bf16`, `i64`, ...
    public var shortName: String { safetensorsCode.lowercased() }
}
