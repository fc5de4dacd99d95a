/// An ordered mapping from parameter names to tensors, held in memory.
public struct StateDict: TensorSource, Sendable, Equatable {
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]

    public init() {}

    /// Adds a tensor at the end; names must be unique.
    public mutating func insert(name: String, _ tensor: Tensor) throws {
        guard tensors[name] == nil else { throw TensorError.duplicateName(name) }
        names.append(name)
        tensors[name] = tensor
    }

    /// Replaces the tensor under an existing name, keeping its position.
    public mutating func replace(name: String, with tensor: Tensor) throws {
        guard tensors[name] != nil else { throw TensorError.missingTensor(name) }
        tensors[name] = tensor
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    public var count: Int { names.count }

    public var descriptors: [TensorDescriptor] {
        names.map { name in
            let tensor = tensors[name]!  // names and tensors are kept in step by insert
            return TensorDescriptor(name: name, dtype: tensor.dtype, shape: tensor.shape)
        }
    }

    public func loadTensor(at index: Int) throws -> Tensor {
        guard names.indices.contains(index), let tensor = tensors[names[index]] else {
            throw TensorError.missingTensor("#\(index)")
        }
        return tensor
    }
}
