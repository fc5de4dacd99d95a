import Foundation

/// Opening a checkpoint from a URL and naming its architecture: the first two steps of every task.
extension Checkpoint {
    /// Opens the checkpoint at a file URL: a torch zip or legacy file, a training checkpoint, safetensors or `.rnw`.
    ///
    /// Only the file's structure and its pickle are read, never tensor data, and nothing in the file is executed;
    /// `descriptors` lists the tensors and `details` says what was unwrapped (the state dict's path inside a
    /// training checkpoint, stripped prefixes, the other entries).
    ///
    /// - Parameters:
    ///   - url: a `file:` URL.
    ///   - limits: bounds on the pickle; ``/RNXPickle/PickleLimits/standard`` is far above any ResNet checkpoint.
    /// - Throws: ``/RNXCheckpoint/CheckpointError`` (malformed, unsafe or unreadable file) or ``/RNXPickle/PickleError``.
    public init(contentsOf url: URL, limits: PickleLimits = .standard) throws {
        guard url.isFileURL else { throw CheckpointError.cannotOpen(reason: "\(url.absoluteString) is not a file URL") }
        self = try Checkpoint.open(path: url.path, limits: limits)
    }

    /// The ResNet these tensors are: detected from the names and shapes, or `name` insisted on.
    ///
    /// - Parameter name: an architecture name (`resnet50`, `resnet20`) to check the tensors against instead of
    ///   detecting one; the file's class and channel counts still apply.
    /// - Returns: the configuration, with the file's `numClasses` and `inChannels`.
    /// - Throws: ``/RNXArch/ArchError`` listing every missing key, unexpected key and wrong shape at once.
    public func architecture(named name: String? = nil) throws -> ResNetConfig {
        try WeightMapping.resolve(descriptors, arch: name)
    }
}
