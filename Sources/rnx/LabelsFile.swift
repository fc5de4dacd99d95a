import Foundation
import RNXArch
import RNXImage

/// Reads `--labels FILE` (one class name per line) for convert and predict, the file named in any error.
func readLabelsFile(_ path: String, expected: Int? = nil) throws -> [String] {
    try onFile(path) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageError.cannotOpen(reason: "cannot read the labels file")
        }
        return try ClassLabels.parse(String(decoding: data, as: UTF8.self), expected: expected)
    }
}
