/// torchvision's classification transforms on a PIL image: `Resize(resize)` of the shorter side,
/// `CenterCrop(crop)`, `ToTensor()` and `Normalize(mean, std)`, computed as torchvision computes them.
///
/// - Resize: the shorter side becomes `resize`, the longer `int(resize * long / short)` (torchvision's
///   `_compute_resized_output_size`), resampled by `PILResize` (PIL's algorithm, antialiased for reductions).
/// - CenterCrop: top and left are `int(round((size - crop) / 2.0))` with Python's round-half-to-even; an image
///   smaller than the crop is first padded with zeros, `(crop - size) // 2` before and the rest after.
/// - ToTensor and Normalize: `float32(v) / 255`, then `(x - mean[c]) / std[c]` in float32, channel-major.
public struct Preprocessing: Sendable, Equatable {
    /// The published presets.
    public enum Preset: String, Sendable, CaseIterable {
        /// `ResNet50_Weights.IMAGENET1K_V1.transforms()`: Resize(256) bilinear, CenterCrop(224), ImageNet mean/std.
        case imagenet
        /// The CIFAR ResNets' evaluation transforms: Resize(32), CenterCrop(32), the same mean/std.
        case cifar
    }

    /// ImageNet's channel means and standard deviations, as torchvision's ResNet weights use them.
    public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

    /// The shorter side after resizing.
    public var resize: Int
    /// The side of the square center crop.
    public var crop: Int
    public var interpolation: Interpolation
    public var mean: [Float]
    public var std: [Float]

    public init(resize: Int, crop: Int, interpolation: Interpolation = .bilinear,
                mean: [Float] = Preprocessing.imagenetMean, std: [Float] = Preprocessing.imagenetStd) {
        self.resize = resize
        self.crop = crop
        self.interpolation = interpolation
        self.mean = mean
        self.std = std
    }

    public init(preset: Preset) {
        switch preset {
        case .imagenet: self.init(resize: 256, crop: 224)
        case .cifar: self.init(resize: 32, crop: 32)
        }
    }

    /// The most a side may be (`--resize`, `--crop`), to keep the tensor within memory for any input.
    public static let maxSide = 16_384
    /// The most pixels the resized image may have (an extreme aspect ratio makes the longer side huge).
    public static let maxResizedPixels = 1 << 28

    /// Throws `ImageError.invalidSetting` for sizes out of range, or mean/std that are not three positive values.
    public func validate() throws {
        guard (1...Self.maxSide).contains(resize) else {
            throw ImageError.invalidSetting("--resize must be between 1 and \(Self.maxSide), got \(resize)")
        }
        guard (1...Self.maxSide).contains(crop) else {
            throw ImageError.invalidSetting("--crop must be between 1 and \(Self.maxSide), got \(crop)")
        }
        guard mean.count == 3, mean.allSatisfy(\.isFinite) else {
            throw ImageError.invalidSetting("--mean needs three numbers (R,G,B), got \(mean.count)")
        }
        guard std.count == 3, std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ImageError.invalidSetting("--std needs three positive numbers (R,G,B)")
        }
    }

    /// torchvision's output size for `Resize(resize)` of an image `width` × `height`.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let (short, long) = width <= height ? (width, height) : (height, width)
        // Python: int(size * long / short), a float division truncated.
        let newLong = Int(Double(resize * long) / Double(short))
        return width <= height ? (resize, newLong) : (newLong, resize)
    }

    /// The resized and center-cropped 8-bit image, before ToTensor (what the tests compare with PIL's).
    public func resizedAndCropped(_ image: RGBImage) throws -> RGBImage {
        let size = try checkedResizedSize(image)
        if let window = cropWindow(size) {
            return PILResize.window(image, width: size.width, height: size.height, filter: interpolation, window: window)
        }
        let resized = PILResize.resize(image, width: size.width, height: size.height, filter: interpolation)
        return Self.centerCrop(resized, size: crop)
    }

    /// The resized size, refused when it would be too large to hold.
    private func checkedResizedSize(_ image: RGBImage) throws -> (width: Int, height: Int) {
        let size = resizedSize(width: image.width, height: image.height)
        let (pixels, overflow) = size.width.multipliedReportingOverflow(by: size.height)
        guard !overflow, pixels <= Self.maxResizedPixels else {
            throw ImageError.resizedTooLarge(width: image.width, height: image.height,
                                             resizedWidth: size.width, resizedHeight: size.height)
        }
        return size
    }

    /// Where `center_crop` cuts the resized image, or nil when it pads (the crop is larger than a side).
    private func cropWindow(_ size: (width: Int, height: Int)) -> PILResize.Window? {
        guard crop <= size.width && crop <= size.height else { return nil }
        let top = Int((Double(size.height - crop) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(size.width - crop) / 2).rounded(.toNearestOrEven))
        return PILResize.Window(x: left, y: top, width: crop, height: crop)
    }

    /// `[3, crop, crop]` float32, channel-major: the tensor torchvision's transforms make of `image`.
    public func tensor(_ image: RGBImage) throws -> [Float] {
        let count = 3 * crop * crop
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try write(image, into: buffer)
            initialized = count
        }
    }

    /// Writes `tensor(image)` into `output` (`3 * crop * crop` floats), e.g. one slot of a batch.
    ///
    /// Only the center crop is resampled (``PILResize/resize(_:width:height:filter:window:row:)``), and each row
    /// goes straight from the resampler into the channel planes through a table of the 256 normalised values per
    /// channel, each computed as torchvision does, `(Float(v) / 255 - mean) / std` in float32.
    public func write(_ image: RGBImage, into output: UnsafeMutableBufferPointer<Float>) throws {
        let size = try checkedResizedSize(image)
        let plane = crop * crop
        precondition(output.count == 3 * plane, "Preprocessing.write: output has the wrong size")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * 256) { table in
            for channel in 0..<3 {
                for value in 0..<256 {
                    table[channel * 256 + value] = (Float(value) / 255 - mean[channel]) / std[channel]
                }
            }
            let t0 = table.baseAddress!, t1 = t0 + 256, t2 = t0 + 512
            let p0 = output.baseAddress!, p1 = p0 + plane, p2 = p0 + 2 * plane
            let side = crop
            func emit(_ y: Int, _ row: UnsafeBufferPointer<UInt8>) {
                let offset = y * side
                for x in 0..<side {
                    p0[offset + x] = t0[Int(row[3 * x])]
                    p1[offset + x] = t1[Int(row[3 * x + 1])]
                    p2[offset + x] = t2[Int(row[3 * x + 2])]
                }
            }
            if let window = cropWindow(size) {
                PILResize.resize(image, width: size.width, height: size.height, filter: interpolation,
                                 window: window, row: emit)
            } else {
                let cropped = Self.centerCrop(
                    PILResize.resize(image, width: size.width, height: size.height, filter: interpolation), size: crop)
                cropped.pixels.withUnsafeBufferPointer { pixels in
                    for y in 0..<side {
                        emit(y, UnsafeBufferPointer(rebasing: pixels[(y * side * 3)..<((y + 1) * side * 3)]))
                    }
                }
            }
        }
    }

    /// torchvision's `center_crop` on a PIL image to `size` × `size`, padding with zeros when the image is smaller.
    public static func centerCrop(_ image: RGBImage, size: Int) -> RGBImage {
        var image = image
        if size > image.width || size > image.height {
            let left = size > image.width ? (size - image.width) / 2 : 0
            let top = size > image.height ? (size - image.height) / 2 : 0
            let right = size > image.width ? (size - image.width + 1) / 2 : 0
            let bottom = size > image.height ? (size - image.height + 1) / 2 : 0
            image = pad(image, left: left, top: top, right: right, bottom: bottom)
        }
        if image.width == size && image.height == size { return image }
        let top = Int((Double(image.height - size) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(image.width - size) / 2).rounded(.toNearestOrEven))
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            let from = ((top + y) * image.width + left) * 3
            out[(y * size * 3)..<((y + 1) * size * 3)] = image.pixels[from..<(from + size * 3)]
        }
        return RGBImage(width: size, height: size, pixels: out)
    }

    static func pad(_ image: RGBImage, left: Int, top: Int, right: Int, bottom: Int) -> RGBImage {
        let width = image.width + left + right
        let height = image.height + top + bottom
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<image.height {
            let from = y * image.width * 3
            let to = ((top + y) * width + left) * 3
            out[to..<(to + image.width * 3)] = image.pixels[from..<(from + image.width * 3)]
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The settings as JSON, in the order `rnx predict --json` prints them.
    public var jsonDescription: String {
        func list(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        return "{\"resize\": \(resize), \"crop\": \(crop), \"interpolation\": \"\(interpolation.rawValue)\", "
            + "\"mean\": \(list(mean)), \"std\": \(list(std))}"
    }

    /// One line for people: `Resize(256, bilinear) CenterCrop(224) Normalize(mean=[...], std=[...])`.
    public var summary: String {
        func list(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        return "Resize(\(resize), \(interpolation.rawValue)) CenterCrop(\(crop)) ToTensor "
            + "Normalize(mean=\(list(mean)), std=\(list(std)))"
    }
}
