/// An 8-bit RGB image, rows top to bottom, each pixel three bytes R, G, B: what PIL's `convert("RGB")` holds.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width * 3` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: pixel count does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
