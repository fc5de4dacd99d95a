/// An ordered mapping from parameter names to tensors, held in memory.
public struct StateDict: TensorSource, Sendable, Equatable {
    /// The tensor names in insertion order, which is the order writers store them in.
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]

    /// An empty state dict.
    public init() {}

    /// Adds a tensor at the end; names must be unique.
    ///
    /// - Parameters:
    ///   - name: the state-dict key.
    ///   - tensor: the tensor stored under it.
    /// - Throws: ``TensorError/duplicateName(_:)`` when `name` is already present.
    public mutating func insert(name: String, _ tensor: Tensor) throws {
        guard tensors[name] == nil else { throw TensorError.duplicateName(name) }
        names.append(name)
        tensors[name] = tensor
    }

    /// Replaces the tensor under an existing name, keeping its position (so writers keep the file's order).
    ///
    /// - Parameters:
    ///   - name: a key already present.
    ///   - tensor: the new tensor.
    /// - Throws: ``TensorError/missingTensor(_:)`` when `name` is not present.
    public mutating func replace(name: String, with tensor: Tensor) throws {
        guard tensors[name] != nil else { throw TensorError.missingTensor(name) }
        tensors[name] = tensor
    }

    /// The tensor named `name`, or nil if there is none.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The number of tensors.
    public var count: Int { names.count }

    /// Every tensor's name, dtype and shape, in insertion order.
    public var descriptors: [TensorDescriptor] {
        names.map { name in
            let tensor = tensors[name]!  // names and tensors are kept in step by insert
            return TensorDescriptor(name: name, dtype: tensor.dtype, shape: tensor.shape)
        }
    }

    /// The tensor at `index` in ``names``, already in memory.
    ///
    /// - Parameter index: a position in ``names``.
    /// - Throws: ``TensorError/missingTensor(_:)`` for an index outside ``names``.
    public func loadTensor(at index: Int) throws -> Tensor {
        guard names.indices.contains(index), let tensor = tensors[names[index]] else {
            throw TensorError.missingTensor("#\(index)")
        }
        return tensor
    }
}
