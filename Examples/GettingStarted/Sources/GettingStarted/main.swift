import Foundation
import RNX

let arguments = CommandLine.arguments  // SOURCE.pth OUTPUT.rnw BATCH.npy
let output = URL(fileURLWithPath: arguments[2])
try Conversion(from: URL(fileURLWithPath: arguments[1]), adaptations: [.numClasses(10)]).write(to: output)
let model = try Model(contentsOf: output)
let batch = try NumpyArray(contentsOfFile: arguments[3])  // [N, C, H, W] float32, normalised
let logits = try model.logits(for: batch.values, shape: batch.shape)
for score in logits.top(3, image: 0) { print(score.index, String(format: "%.4f", score.probability)) }
