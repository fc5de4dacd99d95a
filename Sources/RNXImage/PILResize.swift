/// PIL's `Image.resize(size, resample)` for 8-bit RGB, bit for bit (Pillow's `src/libImaging/Resample.c` and, for
/// NEAREST, `Geometry.c`'s `ImagingScaleAffine`), with the whole image as the box and no `reducing_gap` (as
/// torchvision calls it).
///
/// The convolution filters run as Pillow runs them: coefficients per output pixel from the filter with its
/// support scaled by the reduction (`precompute_coeffs`), normalised to sum 1 and turned into fixed point with
/// `PRECISION_BITS` = 22 fractional bits (rounded away from zero); a horizontal pass over only the rows the vertical
/// pass reads, rounded (`+ 1 << 21`) and clipped to uint8; then the vertical pass, rounded and clipped the same way.
/// A pass whose size does not change is skipped, as in `ImagingResampleInner`.
///
/// Every output pixel depends only on its own coefficients and the source pixels under them, so a window of the
/// result (the center crop that follows) can be computed alone, with the same integer sums as the whole image:
/// ``resize(_:width:height:filter:window:row:)`` does only that window's work.
public enum PILResize {
    static let precisionBits = 22

    /// A rectangle of the resized image: the only part computed.
    public struct Window: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// Per output pixel of a range: the first source index, the number of taps, and `ksize` fixed-point weights.
    struct Coefficients {
        var ksize: Int
        var starts: [Int]
        var counts: [Int]
        var weights: [Int32]

        /// One past the last source index any output reads.
        var end: Int { zip(starts, counts).map { $0 + $1 }.max() ?? 0 }
    }

    /// Resizes `image` to `width` × `height` with `filter`.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: Interpolation) -> RGBImage {
        if width == image.width && height == image.height { return image }
        if filter == .nearest { return nearest(image, width: width, height: height) }
        return window(image, width: width, height: height, filter: filter,
                      window: Window(x: 0, y: 0, width: width, height: height))
    }

    /// The `window` of `image` resized to `width` × `height` with `filter`, as its own image.
    public static func window(
        _ image: RGBImage, width: Int, height: Int, filter: Interpolation, window: Window
    ) -> RGBImage {
        let rowBytes = window.width * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: window.height * rowBytes) { buffer, count in
            let base = buffer.baseAddress!
            resize(image, width: width, height: height, filter: filter, window: window) { y, row in
                (base + y * rowBytes).update(from: row.baseAddress!, count: rowBytes)
            }
            count = window.height * rowBytes
        }
        return RGBImage(width: window.width, height: window.height, pixels: pixels)
    }

    /// Resizes `image` to `width` × `height` with `filter` and hands each row of `window` (a rectangle inside
    /// `width` × `height`), top to bottom, to `row` as `window.width * 3` RGB bytes, valid during the call.
    public static func resize(
        _ image: RGBImage, width: Int, height: Int, filter: Interpolation, window: Window,
        row: (Int, UnsafeBufferPointer<UInt8>) -> Void
    ) {
        precondition(window.x >= 0 && window.y >= 0 && window.width > 0 && window.height > 0
                     && window.x + window.width <= width && window.y + window.height <= height,
                     "PILResize: the window is not inside the resized image")
        if filter == .nearest {
            let resized = nearest(image, width: width, height: height)
            return rows(of: resized, window: window, row: row)
        }
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        let columns = window.x..<(window.x + window.width)
        let outRows = window.y..<(window.y + window.height)
        let vertical = needVertical ? coefficients(inSize: image.height, outSize: height, filter: filter, outputs: outRows) : nil
        // The source rows the vertical pass reads (or the window's rows when it is skipped).
        let sourceRows = vertical.map { ($0.starts.min() ?? 0)..<$0.end } ?? outRows
        image.pixels.withUnsafeBufferPointer { input in
            let source = input.baseAddress!
            let inRowBytes = image.width * 3
            if needHorizontal {
                let horizontal = coefficients(inSize: image.width, outSize: width, filter: filter, outputs: columns)
                let rowBytes = window.width * 3
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: sourceRows.count * rowBytes) { temporary in
                    let out = temporary.baseAddress!
                    for (index, y) in sourceRows.enumerated() {
                        horizontalRow(source + y * inRowBytes, into: out + index * rowBytes, horizontal)
                    }
                    finish(out, rowStride: rowBytes, firstRow: sourceRows.lowerBound, vertical: vertical,
                           window: window, row: row)
                }
            } else {
                finish(source + window.x * 3, rowStride: inRowBytes, firstRow: 0, vertical: vertical,
                       window: window, row: row)
            }
        }
    }

    /// The vertical pass (or none) over horizontally resampled rows: `input` is source row `firstRow`, each row
    /// `rowStride` bytes apart and `window.width * 3` bytes used.
    private static func finish(
        _ input: UnsafePointer<UInt8>, rowStride: Int, firstRow: Int, vertical: Coefficients?, window: Window,
        row: (Int, UnsafeBufferPointer<UInt8>) -> Void
    ) {
        let rowBytes = window.width * 3
        guard let vertical else {
            for y in 0..<window.height {
                row(y, UnsafeBufferPointer(start: input + (window.y + y - firstRow) * rowStride, count: rowBytes))
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: rowBytes) { sums in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rowBytes) { line in
                let sums = sums.baseAddress!, line = line.baseAddress!
                let rounding = Int32(1) << Int32(precisionBits - 1)
                vertical.weights.withUnsafeBufferPointer { weights in
                    // Row by row: each output row is the weighted sum of whole source rows, accumulated in the
                    // same order as Pillow's per-pixel loop (tap by tap), so the integer sums are identical.
                    for yy in 0..<window.height {
                        let start = vertical.starts[yy] - firstRow
                        let k = weights.baseAddress! + yy * vertical.ksize
                        sums.initialize(repeating: rounding, count: rowBytes)
                        for tap in 0..<vertical.counts[yy] {
                            let w = k[tap]
                            let from = input + (start + tap) * rowStride
                            for index in 0..<rowBytes { sums[index] &+= Int32(from[index]) &* w }
                        }
                        for index in 0..<rowBytes { line[index] = clip8(sums[index]) }
                        row(yy, UnsafeBufferPointer(start: line, count: rowBytes))
                    }
                }
            }
        }
    }

    /// One row of the horizontal pass: `coefficients` output pixels from the RGB row at `line`.
    @inline(__always)
    private static func horizontalRow(_ line: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<UInt8>,
                                      _ coefficients: Coefficients) {
        let rounding = Int32(1) << Int32(precisionBits - 1)
        let ksize = coefficients.ksize
        coefficients.weights.withUnsafeBufferPointer { weights in
            coefficients.starts.withUnsafeBufferPointer { starts in
                coefficients.counts.withUnsafeBufferPointer { counts in
                    var k = weights.baseAddress!
                    var out = target
                    for xx in 0..<starts.count {
                        var s0 = rounding, s1 = rounding, s2 = rounding
                        var p = line + starts[xx] * 3
                        for x in 0..<counts[xx] {
                            let w = k[x]
                            s0 &+= Int32(p[0]) &* w
                            s1 &+= Int32(p[1]) &* w
                            s2 &+= Int32(p[2]) &* w
                            p += 3
                        }
                        out[0] = clip8(s0)
                        out[1] = clip8(s1)
                        out[2] = clip8(s2)
                        out += 3
                        k += ksize
                    }
                }
            }
        }
    }

    /// `precompute_coeffs` followed by `normalize_coeffs_8bpc`, for the box (0, inSize), for the output pixels in
    /// `outputs` only.
    static func coefficients(inSize: Int, outSize: Int, filter: Interpolation, outputs: Range<Int>) -> Coefficients {
        let scale = Double(Float(inSize)) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        var starts: [Int] = [], counts: [Int] = []
        starts.reserveCapacity(outputs.count)
        counts.reserveCapacity(outputs.count)
        var weights = [Int32](repeating: 0, count: outputs.count * ksize)
        var taps = [Double](repeating: 0, count: ksize)
        let one = Double(1 << precisionBits)
        for (index, xx) in outputs.enumerated() {
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
                weights[index * ksize + x] = Int32(k < 0 ? -0.5 + k * one : 0.5 + k * one)
            }
            starts.append(xmin)
            counts.append(max(xmax, 0))
        }
        return Coefficients(ksize: ksize, starts: starts, counts: counts, weights: weights)
    }

    /// `clip8`: the fixed-point sum shifted down and clipped to 0...255.
    @inline(__always)
    static func clip8(_ value: Int32) -> UInt8 {
        let shifted = value >> Int32(precisionBits)
        return UInt8(truncatingIfNeeded: min(max(shifted, 0), 255))
    }

    /// Hands the rows of `window` of `image` to `row`.
    private static func rows(of image: RGBImage, window: Window, row: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<window.height {
                let from = ((window.y + y) * image.width + window.x) * 3
                row(y, UnsafeBufferPointer(rebasing: pixels[from..<(from + window.width * 3)]))
            }
        }
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
