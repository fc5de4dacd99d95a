import RNXArch
import RNXTensor

/// The tensors of a checkpoint by state-dict name, through an adaptation plan, read one at a time as float32.
struct WeightTable {
    let source: any TensorSource
    let plan: AdaptationPlan
    let descriptors: [TensorDescriptor]
    let index: [String: Int]

    init(source: any TensorSource, plan: AdaptationPlan) {
        self.source = source
        self.plan = plan
        let original = source.descriptors
        descriptors = original.map(plan.descriptor(for:))
        var index: [String: Int] = [:]
        for (position, descriptor) in original.enumerated() where index[descriptor.name] == nil {
            index[descriptor.name] = position
        }
        self.index = index
    }

    /// Checks before anything is written that `name` exists, is floating point and has `shape`.
    func check(_ name: String, shape: [Int]) throws {
        guard let position = index[name] else { throw ExportError.weightMismatch(name: name, reason: "missing") }
        let descriptor = descriptors[position]
        guard descriptor.shape == shape else {
            throw ExportError.weightMismatch(
                name: name, reason: "expected \(shape.shapeDescription), found \(descriptor.shape.shapeDescription)")
        }
        guard descriptor.dtype.isFloatingPoint else {
            throw ExportError.weightMismatch(name: name, reason: "\(descriptor.dtype.rawValue) is not floating point")
        }
    }

    /// The tensor's values (after the plan's adaptations), widened to float32.
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        try tensor(name, shape: shape).floats()
    }

    /// The tensor after the plan's adaptations, in its own dtype.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try check(name, shape: shape)
        guard let position = index[name] else { throw ExportError.weightMismatch(name: name, reason: "missing") }
        let tensor = try plan.apply(try source.loadTensor(at: position), name: name)
        guard tensor.shape == shape else {
            throw ExportError.weightMismatch(
                name: name, reason: "expected \(shape.shapeDescription), read \(tensor.shape.shapeDescription)")
        }
        return tensor
    }

    /// The tensor's float32 little-endian bytes: a float32 tensor's own bytes (no copy), others converted.
    func float32Bytes(_ name: String, shape: [Int]) throws -> [UInt8] {
        let tensor = try self.tensor(name, shape: shape)
        #if _endian(little)
        if tensor.dtype == .float32 { return tensor.bytes }
        #endif
        return tensor.floats().littleEndianBytes
    }
}
