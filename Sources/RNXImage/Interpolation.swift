/// The resampling filters of `--interpolation`, as PIL implements them (`Image.Resampling`).
public enum Interpolation: String, Sendable, CaseIterable {
    /// PIL's NEAREST: an affine scale picking the source pixel under each output pixel's centre.
    case nearest
    /// PIL's BILINEAR: the triangle filter, support 1, widened by the reduction factor (antialiased).
    case bilinear
    /// PIL's BICUBIC: Keys' cubic with a = -0.5, support 2, widened by the reduction factor.
    case bicubic

    /// The filter's support at scale 1 (Resample.c's `struct filter`), for the convolution filters.
    var support: Double {
        switch self {
        case .nearest: 0.5
        case .bilinear: 1
        case .bicubic: 2
        }
    }

    /// The filter's weight at `x` (Resample.c's `bilinear_filter`, `bicubic_filter`, `box_filter`).
    @inline(__always)
    func weight(_ x: Double) -> Double {
        switch self {
        case .nearest:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let x = abs(x)
            return x < 1 ? 1 - x : 0
        case .bicubic:
            let a = -0.5
            let x = abs(x)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }
}
