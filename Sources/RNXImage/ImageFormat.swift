/// The image formats rnx decodes, recognised from their signature bytes, never from the file name.
public enum ImageFormat: String, Sendable, Equatable {
    case jpeg = "JPEG"
    case png = "PNG"

    /// The format whose signature `bytes` start with: JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// Whether a directory walk picks up a file of this name (`.jpg`, `.jpeg`, `.png`, any case).
    public static func hasImageExtension(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".png")
    }
}
