import RNXArch
import RNXTensor

/// A tensor of a file that is not one of the architecture's parameters or buffers, or has another shape.
public struct UnfittingTensor: Hashable, Sendable, CustomStringConvertible {
    /// The tensor's name in the file.
    public var name: String
    /// The tensor's dtype in the file.
    public var dtype: DType
    /// The tensor's shape in the file.
    public var shape: [Int]
    /// The shape the architecture expects under this name; nil when it expects no tensor of this name.
    public var expectedShape: [Int]?

    /// `layer2.0.conv2.weight f16 [32, 16, 3, 3] (expected [32, 32, 3, 3])`.
    public var description: String {
        let found = "\(name) \(dtype.shortName) \(SummaryTable.shapeText(shape))"
        guard let expectedShape else { return found + " (not in the architecture)" }
        return found + " (expected \(SummaryTable.shapeText(expectedShape)))"
    }
}

/// How a file's tensors relate to the architecture detected from them.
public enum CheckpointFit {
    /// The file's tensors that the architecture has no place for, in file order.
    public static func unfitting(_ descriptors: [TensorDescriptor], config: ResNetConfig) -> [UnfittingTensor] {
        let expected = Dictionary(
            config.moduleTree.stateDictEntries().map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        return descriptors.compactMap { descriptor in
            let shape = expected[descriptor.name]
            if shape == descriptor.shape { return nil }
            return UnfittingTensor(
                name: descriptor.name, dtype: descriptor.dtype, shape: descriptor.shape, expectedShape: shape)
        }
    }

    /// The architecture's tensors the file does not hold, in state-dict order, without `num_batches_tracked`.
    public static func missing(_ descriptors: [TensorDescriptor], config: ResNetConfig) -> [String] {
        let present = Set(descriptors.map(\.name))
        return config.moduleTree.stateDictEntries().map(\.name).filter {
            !present.contains($0) && !$0.hasSuffix(".num_batches_tracked")
        }
    }

    /// Bytes of the architecture's parameters as the file stores them: each parameter found with the expected shape
    /// counts with the file's dtype, any other as float32 (what the model would hold after loading).
    public static func parameterBytes(_ descriptors: [TensorDescriptor], config: ResNetConfig) throws -> Int {
        var dtypes: [String: (DType, [Int])] = [:]
        for descriptor in descriptors where dtypes[descriptor.name] == nil {
            dtypes[descriptor.name] = (descriptor.dtype, descriptor.shape)
        }
        var total = 0
        for entry in config.moduleTree.stateDictEntries() where entry.isParameter {
            var size = 4
            if let (dtype, shape) = dtypes[entry.name], shape == entry.shape { size = dtype.byteSize }
            guard let elements = CheckedArithmetic.product(entry.shape),
                let bytes = CheckedArithmetic.multiply(elements, size),
                let sum = CheckedArithmetic.add(total, bytes)
            else { throw ReportError.sizeOverflow(layer: entry.name) }
            total = sum
        }
        return total
    }
}
