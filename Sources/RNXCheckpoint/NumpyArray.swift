import Foundation
import RNXTensor

/// A float array read from or written to a NumPy `.npy` file, held as row-major `Float` values.
///
/// Reading is strict because `.npy` files are input from users: the magic, the version (1.0, 2.0 or 3.0), the header
/// dict (exactly `descr`, `fortran_order` and `shape`), the element type (`<f4`, or `<f8` narrowed to float32), the
/// shape's element count and the data's length are all checked. Fortran-order data is transposed to row-major.
public struct NumpyArray: Equatable, Sendable {
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// The elements in row-major (C) order; exactly the product of `shape` of them.
    public let values: [Float]

    /// Creates an array, checking that `values` holds exactly the elements `shape` calls for.
    public init(shape: [Int], values: [Float]) throws {
        guard let count = CheckedArithmetic.product(shape) else { throw CheckpointError.npyInvalidShape(shape) }
        guard count == values.count else {
            throw CheckpointError.npyDataSizeMismatch(shape: shape, expected: count * 4, found: values.count * 4)
        }
        self.shape = shape
        self.values = values
    }

    /// Reads the `.npy` file at `path`.
    public init(contentsOfFile path: String) throws {
        let file = try RandomAccessFile(path: path)
        try self.init(npyBytes: try file.read(offset: 0, count: file.size))
    }

    /// Parses the bytes of a `.npy` file.
    public init(npyBytes bytes: [UInt8]) throws {
        let (header, dataStart) = try NumpyHeader.read(size: bytes.count) { _ in bytes }
        guard header.descr == "<f4" || header.descr == "<f8" else { throw CheckpointError.npyUnsupportedDType(header.descr) }
        let elementSize = header.descr == "<f4" ? 4 : 8
        guard let count = CheckedArithmetic.product(header.shape),
              let byteCount = CheckedArithmetic.multiply(count, elementSize)
        else { throw CheckpointError.npyInvalidShape(header.shape) }
        guard bytes.count - dataStart == byteCount else {
            throw CheckpointError.npyDataSizeMismatch(
                shape: header.shape, expected: byteCount, found: bytes.count - dataStart)
        }
        var stored = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
            if elementSize == 4 {
                for index in 0..<count { stored[index] = Float(bitPattern: data.loadLE(UInt32.self, at: index)) }
            } else {
                for index in 0..<count {
                    stored[index] = Float(Double(bitPattern: data.loadLE(UInt64.self, at: index)))
                }
            }
        }
        self.shape = header.shape
        self.values = header.fortranOrder ? Self.rowMajor(fromColumnMajor: stored, shape: header.shape) : stored
    }

    /// Reorders column-major (Fortran) elements into row-major order.
    static func rowMajor(fromColumnMajor source: [Float], shape: [Int]) -> [Float] {
        guard shape.count > 1, !source.isEmpty else { return source }
        var rowStrides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            rowStrides[axis] = rowStrides[axis + 1] * shape[axis + 1]
        }
        var result = [Float](repeating: 0, count: source.count)
        var index = [Int](repeating: 0, count: shape.count)
        var target = 0
        for value in source {
            result[target] = value
            // Column-major order runs the first axis fastest.
            for axis in 0..<shape.count {
                index[axis] += 1
                target += rowStrides[axis]
                if index[axis] < shape[axis] { break }
                target -= rowStrides[axis] * shape[axis]
                index[axis] = 0
            }
        }
        return result
    }
}
