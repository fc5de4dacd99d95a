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

    for prediction in try model.classify(imageAt: URL(fileURLWithPath: "cat.jpg"), top: 3) {
        print(prediction.label, prediction.probability)     // decoded like PIL, preprocessed like torchvision
    }
}

/// The getting-started article's image step.
func classifyAnImage(_ model: Model) throws {
    let predictions = try model.classify(imageAt: URL(fileURLWithPath: "cat.jpg"), top: 5)
    print(predictions[0].label, predictions[0].probability)
}

// The article "Classifying images".

func classifyAPhoto() throws {
    let model = try Model(contentsOf: URL(fileURLWithPath: "resnet50-0676ba61.pth"))
    for prediction in try model.classify(imageAt: URL(fileURLWithPath: "cat.jpg"), top: 3) {
        print(prediction.label, prediction.index, prediction.probability)    // tabby 281 0.52...
    }
}

func classifyWithOtherSettings(_ model: Model, url: URL) throws {
    let settings = Preprocessing(resize: 288, crop: 256, interpolation: .bicubic)
    let top5 = try model.classify(imageAt: url, preprocessing: settings)
    print(top5)
}

func classifyPixels(_ model: Model, requestBody: Data, rgbBytes: [UInt8]) throws {
    let upload = try ImageDecoder(maxPixels: 40_000_000).decode(requestBody)    // Data, JPEG or PNG
    let predictions = try model.classify(upload, top: 5)

    let pixels = RGBImage(width: 640, height: 480, pixels: rgbBytes)            // 640 × 480 × 3 bytes
    let best = try model.classify(pixels, top: 1)[0]
    print(predictions, best)
}

func classifyMany(_ model: Model, paths: [String]) throws {
    let classifier = try model.classifier()
    try classifier.classify(contentsOfFiles: paths, top: 5, batchSize: 8) { index, outcome in
        switch outcome {
        case .success(let predictions): print(paths[index], predictions[0].label)
        case .failure(let error): print(paths[index], error)     // one bad file; the others go on
        }
    }
}
