/// The element type of a tensor, as torch names it.
///
/// Covers every plain torch dtype a checkpoint can hold. Bytes are always stored little-endian.
public enum DType: String, Sendable, CaseIterable, Hashable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8, uint8, bool
    case uint16, uint32, uint64

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
    public init?(safetensorsCode code: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsCode == code }) else { return nil }
        self = match
    }

    /// The short name used on the command line and in tables: `f32`, `f16`, `bf16`, `i64`, ...
    public var shortName: String { safetensorsCode.lowercased() }
}
