import Crypto
import Foundation
import RNXCheckpoint
import RNXImage
import RNXTestSupport
import XCTest

/// Decoding and preprocessing against PIL + torchvision on real photos and every PNG mode (gen_images.py).
final class PILEqualityTests: XCTestCase {
    let reference = try! ImageReference.load()

    /// Every image decodes to exactly the bytes of PIL's `Image.open(f).convert("RGB")`.
    func testDecodeMatchesPILExactly() throws {
        for image in reference.images {
            let decoded = try ImageDecoder().decode(contentsOfFile: ImageReference.path(image.file))
            XCTAssertEqual(decoded.width, image.width, image.file)
            XCTAssertEqual(decoded.height, image.height, image.file)
            let digest = SHA256.hash(data: decoded.pixels).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(digest, image.rgb_sha256, "\(image.file) (\(image.mode)) decodes differently from PIL")
        }
    }

    /// Resize + CenterCrop: at most 1 apart from torchvision's (uint8, so at most 1/255 after ToTensor), and
    /// identical on nearly every element; the figures are printed per case.
    func testResizeAndCropMatchTorchvision() throws {
        var worst = 0.0
        for item in reference.cases {
            let image = try ImageDecoder().decode(contentsOfFile: ImageReference.path(item.file))
            let interpolation = try XCTUnwrap(Interpolation(rawValue: item.interpolation))
            let preprocessing = Preprocessing(resize: item.resize, crop: item.crop, interpolation: interpolation)
            let ours = try preprocessing.resizedAndCropped(image)
            let expected = try ImageReference.inflate(item.data, count: item.crop * item.crop * 3)
            XCTAssertEqual(ours.pixels.count, expected.count, item.file)
            var identical = 0
            var maxDiff = 0
            for (a, b) in zip(ours.pixels, expected) {
                let d = abs(Int(a) - Int(b))
                if d == 0 { identical += 1 }
                maxDiff = max(maxDiff, d)
            }
            let share = Double(identical) / Double(expected.count)
            print(String(format: "PIL equality %@ %@: max diff %d/255, %.4f%% identical (%d of %d)",
                         item.file, item.setting, maxDiff, share * 100, identical, expected.count))
            XCTAssertLessThanOrEqual(maxDiff, 1, "\(item.file) \(item.setting)")
            XCTAssertGreaterThanOrEqual(share, 0.999, "\(item.file) \(item.setting)")
            worst = max(worst, 1 - share)
        }
    }

    /// ToTensor and Normalize: the cifar preset's final tensor equals torchvision's wherever the uint8 input does.
    func testNormalisedTensorMatchesTorchvision() throws {
        for item in reference.cases where item.tensor != nil {
            let image = try ImageDecoder().decode(contentsOfFile: ImageReference.path(item.file))
            let ours = try Preprocessing(preset: .cifar).tensor(image)
            let expected = try NumpyArray(contentsOfFile: ImageReference.path(item.tensor!))
            XCTAssertEqual(expected.shape, [3, 32, 32])
            var maxDiff: Float = 0
            for (a, b) in zip(ours, expected.values) { maxDiff = max(maxDiff, abs(a - b)) }
            // One uint8 step is 1/255/std <= 0.0175 after Normalize; anything else must be float rounding.
            XCTAssertLessThanOrEqual(maxDiff, 1 / 255 / 0.224 + 1e-6, item.file)
            let identical = zip(ours, expected.values).filter { $0 == $1 }.count
            XCTAssertGreaterThanOrEqual(Double(identical) / Double(ours.count), 0.999, item.file)
        }
    }
}
