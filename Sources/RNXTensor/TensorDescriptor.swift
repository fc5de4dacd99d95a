/// A tensor's name, element type and shape, known before any of its bytes are read.
public struct TensorDescriptor: Hashable, Sendable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Number of elements; shapes in descriptors have been validated, so this cannot overflow.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Number of bytes of the contiguous data.
    public var byteCount: Int { elementCount * dtype.byteSize }
}
