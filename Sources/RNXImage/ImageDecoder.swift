import CImageCodecs
import Foundation
import RNXTensor

#if canImport(Glibc)
import Glibc
#endif

/// Decodes JPEG and PNG files to RGB with libjpeg-turbo and libpng, as `Image.open(f).convert("RGB")` does.
///
/// The format comes from the signature bytes, never the extension. The header is read first and the pixel count
/// checked against `maxPixels` before anything the size of the image is allocated. JPEG: gray, YCbCr and RGB, 8-bit,
/// libjpeg's default IDCT (`JDCT_ISLOW`) and fancy upsampling, like PIL; CMYK/YCCK and 12-bit ones are refused.
/// PNG: every colour type and depth; gray replicated, palettes looked up, alpha and tRNS dropped (not composited),
/// 16-bit samples cut to their high byte, except 16-bit gray, which PIL opens as `I;16` and clips to 255.
/// A truncated file is an error (PIL's default, `LOAD_TRUNCATED_IMAGES = False`); libjpeg's corrupt-data
/// warnings are not (PIL ignores them too).
public struct ImageDecoder: Sendable {
    /// PIL's `Image.MAX_IMAGE_PIXELS`: above it PIL warns of a decompression bomb (and refuses at twice it).
    public static let defaultMaxPixels = 89_478_485

    /// The most pixels (width × height) an image may declare.
    public var maxPixels: Int

    public init(maxPixels: Int = ImageDecoder.defaultMaxPixels) {
        self.maxPixels = maxPixels
    }

    /// Reads and decodes the file at `path`.
    public func decode(contentsOfFile path: String) throws -> RGBImage {
        // open(2) first, for the system's own reason (no such file, permission denied) in the message.
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImageError.cannotOpen(reason: String(cString: strerror(errno))) }
        close(descriptor)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch let error as CocoaError {
            throw ImageError.cannotOpen(reason: error.underlying.map { String(describing: $0) } ?? error.localizedDescription)
        }
        return try decode(data)
    }

    /// Decodes an image held in memory.
    public func decode(_ data: Data) throws -> RGBImage {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let format = ImageFormat.sniff(bytes), let base = bytes.baseAddress else {
                throw ImageError.notAnImage
            }
            switch format {
            case .jpeg: return try decodeJPEG(base, count: bytes.count)
            case .png: return try decodePNG(base, count: bytes.count)
            }
        }
    }

    /// Width and height after checking them against `maxPixels`, and the RGB byte count.
    private func checkedSize(_ width: UInt32, _ height: UInt32) throws -> (Int, Int, Int) {
        let (w, h) = (Int(width), Int(height))
        let (pixels, overflow) = w.multipliedReportingOverflow(by: h)
        guard !overflow, pixels <= maxPixels else { throw ImageError.tooManyPixels(width: w, height: h, limit: maxPixels) }
        guard pixels > 0 else { throw ImageError.invalidSetting("image has no pixels (\(w)x\(h))") }
        return (w, h, pixels * 3)
    }

    private func decodeJPEG(_ data: UnsafePointer<UInt8>, count: Int) throws -> RGBImage {
        var info = rnx_jpeg_info()
        try check(rnx_jpeg_read_info(data, count, &info), info.message, .jpeg, precision: info.precision)
        switch Int(info.color_space) {
        case Int(RNX_JPEG_GRAYSCALE.rawValue), Int(RNX_JPEG_YCBCR.rawValue), Int(RNX_JPEG_RGB.rawValue): break
        case Int(RNX_JPEG_CMYK.rawValue): throw ImageError.unsupportedColorSpace("CMYK")
        case Int(RNX_JPEG_YCCK.rawValue): throw ImageError.unsupportedColorSpace("YCCK (Adobe CMYK)")
        default: throw ImageError.unsupportedColorSpace("\(info.components)-component")
        }
        guard info.precision == 8 else { throw ImageError.unsupportedPrecision(bits: Int(info.precision)) }
        let (width, height, rgbBytes) = try checkedSize(info.width, info.height)
        let gray = Int(info.color_space) == Int(RNX_JPEG_GRAYSCALE.rawValue)
        // Gray is decoded into the last third of the buffer and widened in place from the left.
        let offset = gray ? 2 * width * height : 0
        var status = Int32(0)
        // Not zero-filled first: the decoder writes every byte (or fails, and the buffer is dropped).
        var pixels = [UInt8](unsafeUninitializedCapacity: rgbBytes) { out, initialized in
            status = rnx_jpeg_decode(data, count, out.baseAddress! + offset, rgbBytes - offset, &info)
            initialized = rgbBytes
        }
        try check(status, info.message, .jpeg, precision: info.precision)
        if gray {
            pixels.withUnsafeMutableBufferPointer { out in
                for index in 0..<(width * height) {
                    let value = out[offset + index]
                    out[3 * index] = value
                    out[3 * index + 1] = value
                    out[3 * index + 2] = value
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private func decodePNG(_ data: UnsafePointer<UInt8>, count: Int) throws -> RGBImage {
        var info = rnx_png_info()
        try check(rnx_png_read_info(data, count, &info), info.message, .png)
        let (width, height, rgbBytes) = try checkedSize(info.width, info.height)
        var status = Int32(0)
        // Not zero-filled first: libpng writes every row (or fails, and the buffer is dropped).
        let pixels = [UInt8](unsafeUninitializedCapacity: rgbBytes) { out, initialized in
            status = rnx_png_decode_rgb(data, count, out.baseAddress!, rgbBytes, &info)
            initialized = rgbBytes
        }
        try check(status, info.message, .png)
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private func check<Message>(
        _ status: Int32, _ message: Message, _ format: ImageFormat, precision: Int32 = 12
    ) throws {
        switch status {
        case Int32(RNX_CODEC_OK.rawValue): return
        case Int32(RNX_CODEC_TRUNCATED.rawValue): throw ImageError.truncated(format: format)
        case Int32(RNX_CODEC_BAD_PRECISION.rawValue):
            throw ImageError.unsupportedPrecision(bits: Int(precision))
        case Int32(RNX_CODEC_NO_MEMORY.rawValue): throw ImageError.corrupt(format: format, reason: "out of memory")
        default:
            throw ImageError.corrupt(format: format, reason: Self.text(message))
        }
    }

    /// The NUL-terminated C string in a fixed-size char tuple.
    static func text<Message>(_ message: Message) -> String {
        withUnsafeBytes(of: message) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
