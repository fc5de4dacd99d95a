import RNXTensor

/// Everything that can go wrong decoding or preprocessing an image.
public enum ImageError: Error, Equatable, Sendable {
    /// The file cannot be opened or read.
    case cannotOpen(reason: String)
    /// The first bytes are neither a JPEG's nor a PNG's signature (whatever the file's extension says).
    case notAnImage
    /// Width × height is above the decompression-bomb limit (`--max-pixels`); nothing was allocated.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The data ends before the image does.
    case truncated(format: ImageFormat)
    /// The decoding library refused the data; `reason` is its message.
    case corrupt(format: ImageFormat, reason: String)
    /// A JPEG in a colour space rnx does not convert (CMYK, YCCK, other).
    case unsupportedColorSpace(String)
    /// A JPEG whose samples are not 8 bits (12-bit JPEG).
    case unsupportedPrecision(bits: Int)
    /// The resized image would be too large: the aspect ratio is so extreme that the longer side explodes.
    case resizedTooLarge(width: Int, height: Int, resizedWidth: Int, resizedHeight: Int)
    /// Preprocessing settings that cannot work (sizes, mean/std counts).
    case invalidSetting(String)
}

extension ImageError: RNXError {
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen: .cannotOpen
        case .invalidSetting: .usage
        default: .badData
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let reason):
            "cannot open: \(reason)"
        case .notAnImage:
            "not a JPEG or PNG image (the file does not start with either format's signature)"
        case .tooManyPixels(let width, let height, let limit):
            "image of \(width)x\(height) pixels is above the limit of \(limit.formatted(groupingSeparator: ",")) pixels "
                + "(a decompression bomb?); raise it with --max-pixels"
        case .truncated(let format):
            "truncated \(format.rawValue): the data ends before the image does"
        case .corrupt(let format, let reason):
            "corrupt \(format.rawValue): \(reason)"
        case .unsupportedColorSpace(let space):
            "\(space) JPEG is not supported (only grayscale, YCbCr and RGB JPEGs)"
        case .unsupportedPrecision(let bits):
            "\(bits)-bit JPEG is not supported (only 8-bit samples)"
        case .resizedTooLarge(let width, let height, let resizedWidth, let resizedHeight):
            "image of \(width)x\(height) pixels would be resized to \(resizedWidth)x\(resizedHeight), "
                + "above \(Preprocessing.maxResizedPixels.formatted(groupingSeparator: ",")) pixels"
        case .invalidSetting(let reason):
            reason
        }
    }
}
