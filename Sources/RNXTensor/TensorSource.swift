/// Anything that lists tensors up front and hands out their data one at a time.
///
/// Checkpoint readers implement this lazily, so a converter can stream a 240 MB file tensor by tensor;
/// `StateDict` implements it from memory.
public protocol TensorSource {
    /// The tensors in file order.
    var descriptors: [TensorDescriptor] { get }
    /// Reads the data of the tensor at `index` in `descriptors`.
    ///
    /// - Parameter index: a position in `descriptors`.
    /// - Throws: the source's error for an index out of range or data that cannot be read.
    func loadTensor(at index: Int) throws -> Tensor
}

extension TensorSource {
    /// Reads every tensor into memory.
    public func loadAll() throws -> StateDict {
        var dict = StateDict()
        for (index, descriptor) in descriptors.enumerated() {
            try dict.insert(name: descriptor.name, try loadTensor(at: index))
        }
        return dict
    }
}
