/// PIL's `Image.resize(size, resample)` for 8-bit RGB, bit for bit (Pillow's `src/libImaging/Resample.c` and, for
/// NEAREST, `Geometry.c`'s `ImagingScaleAffine`), with the whole image as the box and no `reducing_gap` (as
/// torchvision calls it).
///
/// The convolution filters run as Pillow runs them: coefficients per output pixel from the filter with its
/// support scaled by the reduction (`precompute_coeffs`), normalised to sum 1 and turned into fixed point with
/// `PRECISION_BITS` = 22 fractional bits (rounded away from zero); a horizontal pass over only the rows the vertical
/// pass reads, rounded (`+ 1 << 21`) and clipped to uint8; then the vertical pass, rounded and clipped the same way.
/// A pass whose size does not change is skipped, as in `ImagingResampleInner`.
public enum PILResize {
    static let precisionBits = 22

    /// Per output pixel: the first source index, the number of taps, and `ksize` fixed-point weights.
    struct Coefficients {
        var ksize: Int
        var bounds: [(start: Int, count: Int)]
        var weights: [Int32]
    }

    /// Resizes `image` to `width` × `height` with `filter`.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: Interpolation) -> RGBImage {
        if width == image.width && height == image.height { return image }
        if filter == .nearest { return nearest(image, width: width, height: height) }
        let horizontal = coefficients(inSize: image.width, outSize: width, filter: filter)
        var vertical = coefficients(inSize: image.height, outSize: height, filter: filter)
        var source = image
        if width != image.width {
            // Only the rows the vertical pass reads are resampled horizontally.
            let first = vertical.bounds[0].start
            let last = vertical.bounds[height - 1].start + vertical.bounds[height - 1].count
            if height != image.height {
                for index in vertical.bounds.indices { vertical.bounds[index].start -= first }
            }
            let rows = height != image.height ? first..<last : 0..<image.height
            source = horizontalPass(image, rows: rows, coefficients: horizontal, width: width)
        }
        if height != image.height {
            source = verticalPass(source, coefficients: vertical, height: height)
        }
        return source
    }

    /// `precompute_coeffs` followed by `normalize_coeffs_8bpc`, for the box (0, inSize).
    static func coefficients(inSize: Int, outSize: Int, filter: Interpolation) -> Coefficients {
        let scale = Double(Float(inSize)) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        var bounds: [(start: Int, count: Int)] = []
        bounds.reserveCapacity(outSize)
        var weights = [Int32](repeating: 0, count: outSize * ksize)
        var taps = [Double](repeating: 0, count: ksize)
        let one = Double(1 << precisionBits)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let ss = 1 / filterScale
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var ww = 0.0
            for x in 0..<max(xmax, 0) {
                let w = filter.weight((Double(x + xmin) - center + 0.5) * ss)
                taps[x] = w
                ww += w
            }
            for x in 0..<max(xmax, 0) {
                let k = ww != 0 ? taps[x] / ww : taps[x]
                weights[xx * ksize + x] = Int32(k < 0 ? -0.5 + k * one : 0.5 + k * one)
            }
            bounds.append((xmin, max(xmax, 0)))
        }
        return Coefficients(ksize: ksize, bounds: bounds, weights: weights)
    }

    /// `clip8`: the fixed-point sum shifted down and clipped to 0...255.
    @inline(__always)
    static func clip8(_ value: Int32) -> UInt8 {
        let shifted = value >> Int32(precisionBits)
        return UInt8(truncatingIfNeeded: min(max(shifted, 0), 255))
    }

    static func horizontalPass(_ image: RGBImage, rows: Range<Int>, coefficients: Coefficients, width: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: rows.count * width * 3)
        let ksize = coefficients.ksize
        let rounding = Int32(1) << Int32(precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { input in
            coefficients.weights.withUnsafeBufferPointer { weights in
                out.withUnsafeMutableBufferPointer { output in
                    let inRow = image.width * 3
                    for (row, y) in rows.enumerated() {
                        let line = input.baseAddress! + y * inRow
                        let target = output.baseAddress! + row * width * 3
                        for xx in 0..<width {
                            let (start, count) = coefficients.bounds[xx]
                            let k = weights.baseAddress! + xx * ksize
                            var s0 = rounding, s1 = rounding, s2 = rounding
                            var p = line + start * 3
                            for x in 0..<count {
                                let w = k[x]
                                s0 &+= Int32(p[0]) &* w
                                s1 &+= Int32(p[1]) &* w
                                s2 &+= Int32(p[2]) &* w
                                p += 3
                            }
                            target[xx * 3] = clip8(s0)
                            target[xx * 3 + 1] = clip8(s1)
                            target[xx * 3 + 2] = clip8(s2)
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows.count, pixels: out)
    }

    static func verticalPass(_ image: RGBImage, coefficients: Coefficients, height: Int) -> RGBImage {
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: height * rowBytes)
        let ksize = coefficients.ksize
        let rounding = Int32(1) << Int32(precisionBits - 1)
        var sums = [Int32](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { input in
            coefficients.weights.withUnsafeBufferPointer { weights in
                out.withUnsafeMutableBufferPointer { output in
                    sums.withUnsafeMutableBufferPointer { sums in
                        // Row by row: each output row is the weighted sum of whole source rows, accumulated in the
                        // same order as Pillow's per-pixel loop (tap by tap), so the integer sums are identical.
                        for yy in 0..<height {
                            let (start, count) = coefficients.bounds[yy]
                            let k = weights.baseAddress! + yy * ksize
                            for index in 0..<rowBytes { sums[index] = rounding }
                            for y in 0..<count {
                                let w = k[y]
                                let line = input.baseAddress! + (start + y) * rowBytes
                                for index in 0..<rowBytes { sums[index] &+= Int32(line[index]) &* w }
                            }
                            let target = output.baseAddress! + yy * rowBytes
                            for index in 0..<rowBytes { target[index] = clip8(sums[index]) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: height, pixels: out)
    }

    /// NEAREST as `_resize` does it: an affine scale (`ImagingScaleAffine`) whose source position starts at half a
    /// step and is advanced by repeated addition, truncated to an index.
    static func nearest(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let a0 = Double(Float(image.width)) / Double(width)
        let a4 = Double(Float(image.height)) / Double(height)
        var xs = [Int](repeating: -1, count: width)
        var xo = a0 * 0.5
        for x in 0..<width {
            let xin = xo < 0 ? -1 : Int(xo)
            if xin >= 0 && xin < image.width { xs[x] = xin }
            xo += a0
        }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        var yo = a4 * 0.5
        for y in 0..<height {
            let yi = yo < 0 ? -1 : Int(yo)
            if yi >= 0 && yi < image.height {
                for x in 0..<width where xs[x] >= 0 {
                    let from = (yi * image.width + xs[x]) * 3
                    let to = (y * width + x) * 3
                    out[to] = image.pixels[from]
                    out[to + 1] = image.pixels[from + 1]
                    out[to + 2] = image.pixels[from + 2]
                }
            }
            yo += a4
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
