import CZlib
import Foundation
import RNXTestSupport

/// fixtures/images/MANIFEST.json, written by scripts/fixtures/gen_images.py with PIL and torchvision.
struct ImageReference: Decodable {
    struct Image: Decodable {
        let file: String
        let mode: String
        let width: Int
        let height: Int
        let rgb_sha256: String
    }

    struct Case: Decodable {
        let file: String
        let setting: String
        let resize: Int
        let crop: Int
        let interpolation: String
        let data: String
        let tensor: String?
    }

    struct Probabilities: Decodable {
        let model: String
        let preset: String
        let file: String
        let indices: [Int]
        let probabilities: [Double]
        let top5: [Int]
    }

    let images: [Image]
    let cases: [Case]
    let probabilities: [Probabilities]

    static func load() throws -> ImageReference {
        try JSONDecoder().decode(ImageReference.self, from: Fixtures.data("images/MANIFEST.json"))
    }

    static func path(_ relative: String) -> String { Fixtures.path("images/" + relative) }

    /// The uint8 HWC bytes of a `*.u8.zlib` reference, `count` bytes once inflated.
    static func inflate(_ relative: String, count: Int) throws -> [UInt8] {
        let compressed = [UInt8](try Fixtures.data("images/" + relative))
        var out = [UInt8](repeating: 0, count: count)
        var length = uLongf(count)
        let status = out.withUnsafeMutableBufferPointer { o in
            compressed.withUnsafeBufferPointer { c in
                uncompress(o.baseAddress, &length, c.baseAddress, uLong(c.count))
            }
        }
        guard status == Z_OK, Int(length) == count else {
            throw NSError(domain: "ImageReference", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "inflate \(relative)"])
        }
        return out
    }
}
