/// Conversions between tensor bytes and `Float` values.
extension Tensor {
    /// Creates a float tensor from `Float` values, rounding to `dtype` (f16 and bf16 round to nearest even).
    ///
    /// - Parameters:
    ///   - floats: the values, row-major.
    ///   - shape: the dimensions; their product must be `floats.count`.
    ///   - dtype: a floating-point dtype.
    /// - Throws: ``TensorError/unsupportedConversion(from:to:)`` for an integer dtype, and the shape errors of
    ///   ``init(dtype:shape:bytes:)``.
    public init(floats: [Float], shape: [Int], dtype: DType = .float32) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * dtype.byteSize)
        switch dtype {
        case .float32:
            for value in floats { bytes.appendLittleEndian(value.bitPattern) }
        case .float64:
            for value in floats { bytes.appendLittleEndian(Double(value).bitPattern) }
        case .float16:
            for value in floats { bytes.appendLittleEndian(Float16Bits.fromFloat(value)) }
        case .bfloat16:
            for value in floats { bytes.appendLittleEndian(BFloat16Bits.fromFloat(value)) }
        default:
            throw TensorError.unsupportedConversion(from: .float32, to: dtype)
        }
        try self.init(dtype: dtype, shape: shape, bytes: bytes)
    }

    /// The elements widened (or narrowed, for f64) to `Float`. Integer and bool tensors convert by value.
    public func floats() -> [Float] {
        #if _endian(little)
        // Stored as the host's own floats: one copy instead of a load and an append per element.
        if dtype == .float32 {
            return bytes.withUnsafeBytes { raw in
                [Float](unsafeUninitializedCapacity: elementCount) { buffer, count in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[..<(elementCount * 4)]))
                    count = elementCount
                }
            }
        }
        #endif
        var result = [Float]()
        result.reserveCapacity(elementCount)
        bytes.withUnsafeBytes { raw in
            let n = elementCount
            switch dtype {
            case .float32:
                for i in 0..<n { result.append(Float(bitPattern: raw.loadLE(UInt32.self, at: i))) }
            case .float64:
                for i in 0..<n { result.append(Float(Double(bitPattern: raw.loadLE(UInt64.self, at: i)))) }
            case .float16:
                for i in 0..<n { result.append(Float16Bits.toFloat(raw.loadLE(UInt16.self, at: i))) }
            case .bfloat16:
                for i in 0..<n { result.append(Float(bitPattern: UInt32(raw.loadLE(UInt16.self, at: i)) << 16)) }
            case .int64:
                for i in 0..<n { result.append(Float(Int64(bitPattern: raw.loadLE(UInt64.self, at: i)))) }
            case .int32:
                for i in 0..<n { result.append(Float(Int32(bitPattern: raw.loadLE(UInt32.self, at: i)))) }
            case .int16:
                for i in 0..<n { result.append(Float(Int16(bitPattern: raw.loadLE(UInt16.self, at: i)))) }
            case .int8:
                for i in 0..<n { result.append(Float(Int8(bitPattern: raw[i]))) }
            case .uint8, .bool:
                for i in 0..<n { result.append(Float(raw[i])) }
            case .uint16:
                for i in 0..<n { result.append(Float(raw.loadLE(UInt16.self, at: i))) }
            case .uint32:
                for i in 0..<n { result.append(Float(raw.loadLE(UInt32.self, at: i))) }
            case .uint64:
                for i in 0..<n { result.append(Float(raw.loadLE(UInt64.self, at: i))) }
            }
        }
        return result
    }

    /// The same values in another floating dtype; integer tensors are returned unchanged (BatchNorm's counters
    /// stay int64 whatever `--dtype` asks).
    ///
    /// - Parameter target: the floating-point dtype wanted.
    /// - Throws: ``TensorError/unsupportedConversion(from:to:)`` when `target` is an integer dtype.
    public func converted(to target: DType) throws -> Tensor {
        guard dtype != target, dtype.isFloatingPoint else { return self }
        guard target.isFloatingPoint else { throw TensorError.unsupportedConversion(from: dtype, to: target) }
        // Everything goes through Float: exact for f16/bf16/f32 sources and for f64 → f32. Only f64 → f16/bf16
        // rounds twice, which checkpoints (f32 weights) never ask for.
        return try Tensor(floats: floats(), shape: shape, dtype: target)
    }
}

/// Little-endian serialisation, which every format rnx reads and writes uses whatever the host's byte order.
extension Array where Element == UInt8 {
    /// Appends an integer's bytes in little-endian order.
    ///
    /// - Parameter value: the integer to append.
    @inlinable
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Little-endian reads from file bytes, which are neither aligned nor in the host's byte order.
extension UnsafeRawBufferPointer {
    /// The `index`-th element of type `T`, read little-endian from possibly unaligned memory.
    ///
    /// - Parameters:
    ///   - type: the integer type to read.
    ///   - index: the element's index, in units of `T`; the caller checks it is in bounds.
    @inlinable
    public func loadLE<T: FixedWidthInteger>(_ type: T.Type, at index: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }
}
