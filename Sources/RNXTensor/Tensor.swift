/// A dense tensor: dtype, shape and contiguous row-major little-endian bytes.
public struct Tensor: Equatable, Sendable {
    /// The element type.
    public let dtype: DType
    /// The dimensions, outermost first; empty for a scalar.
    public let shape: [Int]
    /// Contiguous little-endian element bytes, exactly `elementCount * dtype.byteSize` of them.
    public let bytes: [UInt8]

    /// Creates a tensor, checking that `bytes` holds exactly the elements `shape` and `dtype` call for.
    ///
    /// - Parameters:
    ///   - dtype: the element type.
    ///   - shape: the dimensions.
    ///   - bytes: row-major little-endian elements.
    /// - Throws: ``TensorError/invalidShape(_:)`` for a negative or overflowing shape,
    ///   ``TensorError/byteCountMismatch(shape:dtype:expected:found:)`` when the byte count is wrong.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        guard let count = CheckedArithmetic.product(shape),
              let byteCount = CheckedArithmetic.multiply(count, dtype.byteSize)
        else { throw TensorError.invalidShape(shape) }
        guard byteCount == bytes.count else {
            throw TensorError.byteCountMismatch(shape: shape, dtype: dtype, expected: byteCount, found: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Number of elements (1 for a rank-0 tensor).
    public var elementCount: Int { bytes.count / dtype.byteSize }
}
