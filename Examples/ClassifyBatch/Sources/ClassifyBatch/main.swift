// Usage: ClassifyBatch MODEL INPUT.npy|IMAGE... [--top K]
//   INPUT.npy: a preprocessed [N, 3, H, W] batch; its logits' top classes per image.
//   IMAGE: a JPEG or PNG photo, decoded and preprocessed as torchvision does; its top classes with their labels.
import Foundation
import RNX

var arguments = Array(CommandLine.arguments.dropFirst())
var k = 3
if let flag = arguments.firstIndex(of: "--top"), flag + 1 < arguments.count, let value = Int(arguments[flag + 1]) {
    k = value
    arguments.removeSubrange(flag...(flag + 1))
}
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: ClassifyBatch MODEL INPUT.npy|IMAGE... [--top K]\n".utf8))
    exit(64)
}
do {
    let model = try Model(contentsOf: URL(fileURLWithPath: arguments[0]))
    print("\(model.architectureName), \(model.configuration.numClasses) classes")
    for input in arguments.dropFirst() {
        if input.hasSuffix(".npy") {
            let batch = try NumpyArray(contentsOfFile: input)
            let logits = try model.logits(for: batch.values, shape: batch.shape)
            for image in 0..<logits.imageCount {
                let top = logits.top(k, image: image).map { "\($0.index) \(String(format: "%.4f", $0.probability))" }
                print("image \(image): " + top.joined(separator: ", "))
            }
        } else {
            // A photo: decoded like PIL, preprocessed like torchvision, labelled with the model's class names.
            let predictions = try model.classify(imageAt: URL(fileURLWithPath: input), top: k)
            let top = predictions.map { "\($0.label) (\($0.index)) \(String(format: "%.4f", $0.probability))" }
            print("\((input as NSString).lastPathComponent): " + top.joined(separator: ", "))
        }
    }
} catch {
    FileHandle.standardError.write(Data("ClassifyBatch: \(error)\n".utf8))
    exit(1)
}
