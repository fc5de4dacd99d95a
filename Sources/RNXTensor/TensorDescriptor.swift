/// A tensor's name, element type and shape, known before any of its bytes are read.
public struct TensorDescriptor: Hashable, Sendable {
    /// The state-dict key, e.g. `layer1.0.conv1.weight`.
    public var name: String
    /// The element type as stored in the file.
    public var dtype: DType
    /// The dimensions, outermost first.
    public var shape: [Int]

    /// A descriptor of the tensor `name`; readers call this only after checking that `shape`'s byte count fits.
    ///
    /// - Parameters:
    ///   - name: the state-dict key.
    ///   - dtype: the element type.
    ///   - shape: the dimensions, each checked non-negative and their product checked for overflow by the caller.
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
