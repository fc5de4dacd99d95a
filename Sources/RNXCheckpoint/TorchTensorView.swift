import RNXTensor

/// A storage as a torch pickle declares it in a persistent id: `('storage', type, key, location, numel)`.
struct TorchStorage: Equatable, Sendable {
    let key: String
    /// The element type of the storage class; `UntypedStorage` counts bytes, as `uint8`.
    let dtype: DType
    /// The declared element count.
    let elementCount: Int
    /// `elementCount` times the element size, checked for overflow.
    let byteCount: Int
    /// Where torch said the storage lived (`cpu`, `cuda:0`, `mps`, ...); rnx reads every storage to the CPU.
    let location: String
}

/// One tensor of a torch pickle: a strided view into a storage, as `_rebuild_tensor_v2/_v3` describes it.
struct TorchTensorView: Equatable, Sendable {
    let dtype: DType
    let shape: [Int]
    let stride: [Int]
    /// The storage offset, in elements of `dtype`.
    let offset: Int
    let storageKey: String

    /// Most bytes a view may repeat its storage into (zero strides), beyond the storage's own size.
    static let maxExpansionBytes = 64 << 20

    /// Checks the view against its storage exactly as torch's `set_` would, without trusting any number.
    ///
    /// Returns the byte count of the contiguous tensor.
    func validate(name: String, storageBytes: Int) throws -> Int {
        let invalid = CheckpointError.invalidView(name: name, shape: shape, stride: stride, offset: offset)
        guard shape.count == stride.count, offset >= 0, !stride.contains(where: { $0 < 0 }),
              let count = CheckedArithmetic.product(shape),
              let bytes = CheckedArithmetic.multiply(count, dtype.byteSize)
        else { throw invalid }
        let storageElements = storageBytes / dtype.byteSize
        if count > 0 {
            // The last element the view touches is offset + sum((size - 1) * stride).
            var last = offset
            for (size, step) in zip(shape, stride) {
                guard let reach = CheckedArithmetic.multiply(size - 1, step),
                      let next = CheckedArithmetic.add(last, reach)
                else { throw invalid }
                last = next
            }
            guard last < storageElements else {
                throw CheckpointError.viewOutOfBounds(
                    name: name, shape: shape, stride: stride, offset: offset, storageElements: storageElements)
            }
        }
        guard bytes <= max(storageBytes, Self.maxExpansionBytes) else {
            throw CheckpointError.viewTooLarge(name: name, shape: shape, bytes: bytes)
        }
        return bytes
    }

    /// Whether the view reads its elements in storage order without gaps.
    var isContiguous: Bool {
        var expected = 1
        for (size, step) in zip(shape, stride).reversed() where size != 1 {
            if step != expected { return false }
            expected *= size
        }
        return true
    }

    /// The elements the view selects, copied to contiguous row-major order.
    ///
    /// `validate` must have accepted the view for a storage of `storage.count` bytes.
    func gather(from storage: [UInt8], byteCount: Int) -> [UInt8] {
        if byteCount == 0 { return [] }  // a zero-element view may carry any offset
        let size = dtype.byteSize
        let start = offset * size
        if isContiguous {
            if start == 0 && byteCount == storage.count { return storage }
            return Array(storage[start..<start + byteCount])
        }
        return [UInt8](unsafeUninitializedCapacity: byteCount) { out, initialized in
            storage.withUnsafeBytes { source in
                let rank = shape.count
                let inner = shape[rank - 1]  // rank 0 is always contiguous
                let innerStep = stride[rank - 1] &* size  // wrapping: a size-1 dim may carry any stride
                var index = [Int](repeating: 0, count: rank)
                var base = start
                var written = 0
                while written < byteCount {
                    var position = base
                    for _ in 0..<inner {
                        for b in 0..<size { out[written + b] = source[position + b] }
                        written += size
                        position &+= innerStep
                    }
                    // Advance the outer index like an odometer, keeping `base` at its first element.
                    var dim = rank - 2
                    while dim >= 0 {
                        index[dim] += 1
                        base &+= stride[dim] &* size
                        if index[dim] < shape[dim] { break }
                        base &-= stride[dim] &* size &* shape[dim]
                        index[dim] = 0
                        dim -= 1
                    }
                    if dim < 0 { break }
                }
            }
            initialized = byteCount
        }
    }
}

extension Array where Element == UInt8 {
    /// Reverses the bytes of every `width`-byte element: big-endian storages to little-endian.
    mutating func swapBytes(width: Int) {
        guard width > 1 else { return }
        withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i + width <= buffer.count {
                var lo = i, hi = i + width - 1
                while lo < hi {
                    buffer.swapAt(lo, hi)
                    lo += 1
                    hi -= 1
                }
                i += width
            }
        }
    }
}
