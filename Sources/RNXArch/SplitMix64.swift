/// The SplitMix64 generator (Steele, Lea and Flood 2014), used for reproducible new classifier rows.
///
/// Documented so anyone can reproduce `--seed` results: state += 0x9E3779B97F4A7C15; z = state;
/// z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31).
/// Seed 0's first output is 0xE220A8397B1DCDAF.
public struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator whose outputs follow from `seed` alone, so `--seed` reproduces a conversion.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [-bound, bound): the top 53 bits as u in [0, 1), then (2u - 1) × bound in Double,
    /// rounded once to Float.
    public mutating func uniform(bound: Double) -> Float {
        let unit = Double(next() >> 11) * 0x1p-53
        return Float((2 * unit - 1) * bound)
    }
}
