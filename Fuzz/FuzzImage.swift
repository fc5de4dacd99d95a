import Foundation
import RNXImage

/// libFuzzer target (e): JPEG and PNG decoding (libjpeg-turbo, libpng behind CImageCodecs' setjmp guards) and
/// the preprocessing after it (PIL's resize with each filter, center crop with padding, normalisation).
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzImage(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    // 4 Mpixels keeps one run well inside libFuzzer's 512 MB allocation limit; the limit itself is what is fuzzed.
    guard let image = try? ImageDecoder(maxPixels: 1 << 22).decode(data) else { return 0 }
    _ = try? Preprocessing(preset: .cifar).tensor(image)
    _ = try? Preprocessing(resize: 40, crop: 33, interpolation: .bicubic).tensor(image)
    _ = try? Preprocessing(resize: 17, crop: 24, interpolation: .nearest).tensor(image)
    return 0
}
