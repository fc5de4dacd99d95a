import Foundation
import RNXImage
import RNXTestSupport
import XCTest

/// Hostile images (fixtures/images/attacks, from gen_images.py): each refused with its exact message, no crash,
/// nothing the size of the declared image allocated.
final class ImageAttackTests: XCTestCase {
    func testEveryAttackGetsItsExactError() throws {
        let manifest = try JSONDecoder().decode(
            [String: String].self, from: Fixtures.data("images/attacks/MANIFEST.json"))
        XCTAssertGreaterThanOrEqual(manifest.count, 9)
        for (name, expected) in manifest.sorted(by: { $0.key < $1.key }) {
            do {
                _ = try ImageDecoder().decode(contentsOfFile: Fixtures.path("images/attacks/" + name))
                XCTFail("\(name) decoded")
            } catch let error as ImageError {
                XCTAssertEqual(error.description, expected, name)
                XCTAssertEqual(error.category.exitStatus, 65, name)
            }
        }
    }

    func testFormatComesFromTheBytesNotTheName() throws {
        let image = try ImageDecoder().decode(contentsOfFile: Fixtures.path("images/attacks/png-named.jpg"))
        XCTAssertEqual(image.width, 64)
    }

    func testPixelLimitIsConfigurable() throws {
        let path = Fixtures.path("images/photos/chelsea.jpg")
        XCTAssertThrowsError(try ImageDecoder(maxPixels: 451 * 300 - 1).decode(contentsOfFile: path)) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(width: 451, height: 300, limit: 451 * 300 - 1))
        }
        XCTAssertEqual(try ImageDecoder(maxPixels: 451 * 300).decode(contentsOfFile: path).width, 451)
    }

    func testMissingFileIsCannotOpen() {
        XCTAssertThrowsError(try ImageDecoder().decode(contentsOfFile: "/nonexistent/x.jpg")) { error in
            XCTAssertEqual(error as? ImageError, .cannotOpen(reason: "No such file or directory"))
        }
    }

    /// Seeded random byte flips and truncations of real images: always an image or an ImageError, never a crash.
    func testMutatedImagesNeverCrash() throws {
        var state: UInt64 = 14
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for name in ["photos/chelsea.jpg", "modes/palette.png", "modes/rgb16.png", "photos/coffee-progressive.jpg"] {
            let original = [UInt8](try Fixtures.data("images/" + name))
            for _ in 0..<40 {
                var bytes = original
                for _ in 0..<(1 + next() % 4) { bytes[next() % bytes.count] = UInt8(next() & 0xFF) }
                if next() % 3 == 0 { bytes = Array(bytes.prefix(next() % bytes.count)) }
                do {
                    let image = try ImageDecoder().decode(Data(bytes))
                    _ = try Preprocessing(preset: .cifar).tensor(image)
                } catch is ImageError {
                }
            }
        }
    }
}
