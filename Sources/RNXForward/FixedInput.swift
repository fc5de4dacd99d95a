/// The deterministic input `rnx validate` (without `--input`) and `rnx bench` feed a model.
public enum FixedInput {
    /// The input size used when none is given: 224 for ImageNet nets, 32 for CIFAR nets.
    public static func defaultSize(for model: ForwardModel) -> Int {
        model.config.family == .cifar ? 32 : 224
    }

    /// `count` values in [-1, 1) from the same 32-bit hash as `SyntheticWeights` (entry index −1), so runs repeat.
    public static func values(count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var x = UInt32(truncatingIfNeeded: i) &* 0x9E37_79B1
            x ^= x >> 16
            x = x &* 0x7FEB_352D
            x ^= x >> 15
            x = x &* 0x846C_A68B
            x ^= x >> 16
            result[i] = Float(x >> 8) * 0x1p-23 - 1
        }
        return result
    }
}
