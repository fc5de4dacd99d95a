import RNXTensor

/// An opened checkpoint: its tensors listed up front, their bytes read one tensor at a time.
///
/// Reading is lazy so that converting or verifying a large file needs memory for one tensor, not the model.
public struct Checkpoint: TensorSource, @unchecked Sendable {
    /// The path the checkpoint was opened from.
    public let path: String
    public let format: CheckpointFormat
    public let descriptors: [TensorDescriptor]
    public let details: CheckpointDetails
    /// The `config.json` of the `save_pretrained` directory the weights came from (transformers), if any.
    public var companionConfig: [UInt8]?
    private let loader: (Int) throws -> Tensor

    /// Creates a checkpoint over a format-specific `loader` that reads the tensor at an index of `descriptors`.
    public init(
        path: String, format: CheckpointFormat, descriptors: [TensorDescriptor], details: CheckpointDetails,
        loader: @escaping (Int) throws -> Tensor
    ) {
        self.path = path
        self.format = format
        self.descriptors = descriptors
        self.details = details
        self.loader = loader
    }

    public func loadTensor(at index: Int) throws -> Tensor {
        guard descriptors.indices.contains(index) else { throw TensorError.missingTensor("#\(index)") }
        return try loader(index)
    }
}
