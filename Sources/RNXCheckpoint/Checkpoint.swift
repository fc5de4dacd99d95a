import RNXTensor

/// An opened checkpoint: its tensors listed up front, their bytes read one tensor at a time.
///
/// Reading is lazy so that converting or verifying a large file needs memory for one tensor, not the model.
///
/// `@unchecked Sendable` because the readers' loader closures are not declared `@Sendable`; each captures only
/// immutable values and a file handle that several threads may read at once (`pread` on one descriptor, libzip
/// behind a lock, the tar storage index behind a lock), so tasks may share a checkpoint and load its tensors.
public struct Checkpoint: TensorSource, @unchecked Sendable {
    /// The path the checkpoint was opened from.
    public let path: String
    /// The container format the reader found, whatever the file's extension says.
    public let format: CheckpointFormat
    /// Every tensor's name (after prefix stripping), dtype and shape, in file order; known before any data is read.
    public let descriptors: [TensorDescriptor]
    /// What the reader unwrapped besides the tensors: the state dict's path, stripped prefixes, other entries.
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

    /// Reads the tensor at `index` in ``descriptors`` from the file, checking its bytes against its declared size.
    ///
    /// - Throws: `TensorError.missingTensor` for an index outside ``descriptors``, ``CheckpointError`` when the
    ///   file's data is short, corrupt or unreadable.
    public func loadTensor(at index: Int) throws -> Tensor {
        guard descriptors.indices.contains(index) else { throw TensorError.missingTensor("#\(index)") }
        return try loader(index)
    }
}
