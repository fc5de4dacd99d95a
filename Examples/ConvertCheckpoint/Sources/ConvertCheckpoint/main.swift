// Usage: ConvertCheckpoint INPUT.pth OUTPUT.rnw CLASSES
import Foundation
import RNX

let arguments = CommandLine.arguments
guard arguments.count == 4, let classes = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: ConvertCheckpoint INPUT OUTPUT.rnw CLASSES\n".utf8))
    exit(64)
}
do {
    let conversion = Conversion(from: URL(fileURLWithPath: arguments[1]), adaptations: [.numClasses(classes)])
    let report = try conversion.write(to: URL(fileURLWithPath: arguments[2]))
    print("\(report.config.displayName): \(report.tensorCount) tensors, \(report.config.numClasses) classes")
    print(report.adaptations.joined(separator: "\n"))
} catch {
    FileHandle.standardError.write(Data("ConvertCheckpoint: \(error)\n".utf8))
    exit(1)
}
