// The documentation's snippets (the getting-started article's steps, the landing page's), verbatim, so the compiler checks them against the API;
// ExamplesTests checks that every Swift block of the article appears here or in main.swift. Not called by main.swift:
// they name files of the article (torchvision's resnet50) that the tests do not have.
import Foundation
import RNX

func openACheckpoint() throws {
    let checkpoint = try Checkpoint(contentsOf: URL(fileURLWithPath: "resnet50-0676ba61.pth"))
    print(checkpoint.format.rawValue, checkpoint.descriptors.count)  // zip 320
    print(checkpoint.details.stateDictPath ?? "top level")           // where a training checkpoint kept the weights
    print(try checkpoint.architecture().displayName)                 // resnet50, detected from names and shapes
}

func convertIt() throws {
    var conversion = Conversion(from: URL(fileURLWithPath: "resnet50-0676ba61.pth"))
    conversion.adaptations = [.numClasses(10), .inChannels(1)]
    let report = try conversion.write(to: URL(fileURLWithPath: "resnet50-gray-10.rnw")) { progress in
        print("\(Int(progress.fractionCompleted * 100))%")
    }
    print(report.render())
}

func runIt(batch: [Float]) throws {
    let model = try Model(contentsOf: URL(fileURLWithPath: "resnet50-gray-10.rnw"))
    let logits = try model.logits(for: batch, shape: [8, 1, 224, 224])
    let best = logits.top(1, image: 0)[0]
    print(best.index, best.probability)
}

func summariseIt() throws {
    let summary = try Summary(architecture: "resnet18")
    print(summary.totals.parameters)     // 11689512
    print(summary.rendered())
}

func errors(url: URL) throws {
    do {
        _ = try Model(contentsOf: url)
    } catch let error as ArchError {
        print(error)          // weights do not fit the architecture (2 problems): missing keys: fc.weight; ...
    } catch let error as RNXError {
        print(error.category, error)
    }
}

/// The landing page's (RNX.md) example.
func landingPage(pixels: [Float]) throws {
    let model = try Model(contentsOf: URL(fileURLWithPath: "resnet20-cifar10.pth"))
    let logits = try model.logits(for: pixels, shape: [1, 3, 32, 32])
    for score in logits.top(3, image: 0) { print(score.index, score.probability) }
}
