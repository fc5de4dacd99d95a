import Foundation
import RNXArch
import RNXTensor

/// Deterministic weights for any ResNet configuration, for `rnx bench ARCH` and the forward-pass tests.
///
/// The formula is documented in `scripts/fixtures/synthetic_weights.py`, whose Python twin fills torchvision models
/// for the committed reference logits; both compute bit-identical float32 values. In short, for the k-th
/// `state_dict()` entry and its element i, a 32-bit hash of (i, k) gives u in [0, 1) and s = 2u - 1; weights are
/// differences of neighbouring s within each filter row scaled by sqrt(gain / (2 fan_in)); BatchNorm weight
/// 0.5 + 0.5u, bias and running_mean 0.1 s, running_var 0.5 + u; biases 0.1 s; num_batches_tracked 0.
public struct SyntheticWeights: TensorSource, Sendable {
    private let entries: [Module.Entry]

    /// The weights of `config`, in `state_dict()` order.
    public init(config: ResNetConfig) {
        entries = config.moduleTree.stateDictEntries()
    }

    /// Every `state_dict()` entry of the configuration: float32, with int64 `num_batches_tracked`.
    public var descriptors: [TensorDescriptor] {
        entries.map { TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape) }
    }

    /// Computes the tensor at `index` in ``descriptors`` from the formula; nothing is stored.
    ///
    /// - Throws: `TensorError.missingTensor` for an index outside ``descriptors``.
    public func loadTensor(at index: Int) throws -> Tensor {
        guard entries.indices.contains(index) else { throw TensorError.missingTensor("#\(index)") }
        let entry = entries[index]
        if entry.isInteger {
            return try Tensor(dtype: .int64, shape: entry.shape, bytes: [UInt8](repeating: 0, count: 8))
        }
        return try Tensor(floats: floatValues(at: index), shape: entry.shape)
    }

    /// The values of the floating-point entry at `index`, without the round trip through bytes.
    public func floatValues(at index: Int) -> [Float] {
        let entry = entries[index]
        return Self.values(entryIndex: index, name: entry.name, shape: entry.shape)
    }

    /// The formula itself, for the `index`-th entry called `name` with `shape`.
    public static func values(entryIndex index: Int, name: String, shape: [Int]) -> [Float] {
        let count = shape.reduce(1, *)
        let leaf = name.split(separator: ".").last.map(String.init) ?? name
        var result = [Float](repeating: 0, count: count)
        if leaf == "num_batches_tracked" { return result }
        let key = UInt32(truncatingIfNeeded: index + 1) &* 0x85EB_CA77
        result.withUnsafeMutableBufferPointer { out in
            // s = 2u - 1 first; the per-kind mapping below works in place.
            for i in 0..<count {
                var x = UInt32(truncatingIfNeeded: i) &* 0x9E37_79B1 &+ key
                x ^= x >> 16
                x = x &* 0x7FEB_352D
                x ^= x >> 15
                x = x &* 0x846C_A68B
                x ^= x >> 16
                let u = Float(x >> 8) * 0x1p-24
                out[i] = u * 2 - 1
            }
            switch leaf {
            case "weight" where shape.count >= 2:
                let rows = shape[0]
                let fanIn = rows == 0 ? 0 : count / rows
                let gain = shape.count == 4 ? 6.0 : 3.0
                let bound = Float((gain / (2 * Double(max(fanIn, 1)))).squareRoot())
                for row in 0..<rows {
                    let base = row * fanIn
                    let first = out[base]
                    for j in 0..<fanIn {
                        let next = j + 1 < fanIn ? out[base + j + 1] : first
                        out[base + j] = (out[base + j] - next) * bound
                    }
                }
            case "weight":
                for i in 0..<count { out[i] = 0.5 + 0.5 * ((out[i] + 1) * 0.5) }
            case "running_var":
                for i in 0..<count { out[i] = 0.5 + (out[i] + 1) * 0.5 }
            default:  // bias, running_mean
                for i in 0..<count { out[i] = out[i] * 0.1 }
            }
        }
        return result
    }
}
