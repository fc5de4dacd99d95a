// Usage: ClassifyBatch MODEL INPUT.npy [K]
import Foundation
import RNX

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: ClassifyBatch MODEL INPUT.npy [K]\n".utf8))
    exit(64)
}
let k = arguments.count == 4 ? Int(arguments[3]) ?? 3 : 3
do {
    let model = try Model(contentsOf: URL(fileURLWithPath: arguments[1]))
    let batch = try NumpyArray(contentsOfFile: arguments[2])
    let logits = try model.logits(for: batch.values, shape: batch.shape)
    print("\(model.architectureName), \(logits.classCount) classes")
    for image in 0..<logits.imageCount {
        let top = logits.top(k, image: image).map { "\($0.index) \(String(format: "%.4f", $0.probability))" }
        print("image \(image): " + top.joined(separator: ", "))
    }
} catch {
    FileHandle.standardError.write(Data("ClassifyBatch: \(error)\n".utf8))
    exit(1)
}
