/// Everything that can go wrong when building or converting tensors.
public enum TensorError: Error, Equatable, Sendable {
    /// A shape with a negative dimension or whose element or byte count overflows.
    case invalidShape([Int])
    /// The byte count does not equal elements × element size.
    case byteCountMismatch(shape: [Int], dtype: DType, expected: Int, found: Int)
    /// A conversion between dtypes that rnx does not perform.
    case unsupportedConversion(from: DType, to: DType)
    /// A tensor name that is not in the state dict.
    case missingTensor(String)
    /// The same name appears twice in a state dict.
    case duplicateName(String)
}

extension TensorError: CustomStringConvertible {
    /// One line naming the problem and the shape, dtype or name it concerns.
    public var description: String {
        switch self {
        case .invalidShape(let shape):
            "invalid tensor shape \(shape.shapeDescription)"
        case .byteCountMismatch(let shape, let dtype, let expected, let found):
            "tensor of shape \(shape.shapeDescription) and dtype \(dtype.rawValue) needs \(expected) bytes, found \(found)"
        case .unsupportedConversion(let from, let to):
            "cannot convert \(from.rawValue) to \(to.rawValue)"
        case .missingTensor(let name):
            "no tensor named '\(name)'"
        case .duplicateName(let name):
            "tensor name '\(name)' appears twice"
        }
    }
}

extension Array where Element == Int {
    /// The shape as torch's error messages print it: `[256, 128, 3, 3]`.
    public var shapeDescription: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
