import RNXArch
import RNXForward
import RNXImage
import RNXPredict
import RNXTestSupport
import XCTest

/// Classifier end to end against torchvision's pipeline (PIL decode, transforms, the model, softmax):
/// probabilities within 1e-4 and the same top-5 order (gen_images.py's probabilities).
final class ProbabilityTests: XCTestCase {
    func testProbabilitiesMatchTorchvisionPipeline() throws {
        let reference = try ImageReference.load()
        var classifiers: [String: Classifier] = [:]
        for item in reference.probabilities {
            let classifier = try classifiers[item.model] ?? {
                let loaded = item.model.hasPrefix("checkpoints/")
                    ? try ModelLoader.load(Fixtures.path(item.model))
                    : try ModelLoader.load(ModelReference(item.model))
                return try Classifier(model: loaded.model, labels: loaded.labels, threads: 2)
            }()
            classifiers[item.model] = classifier
            XCTAssertEqual(classifier.preprocessing, Preprocessing(preset: Preprocessing.Preset(rawValue: item.preset)!))
            let all = try classifier.classify(contentsOfFile: ImageReference.path(item.file),
                                              top: classifier.labels.count)
            let byIndex = Dictionary(uniqueKeysWithValues: all.map { ($0.index, $0.probability) })
            var maxDiff = 0.0
            for (index, expected) in zip(item.indices, item.probabilities) {
                maxDiff = max(maxDiff, abs(Double(byIndex[index] ?? -1) - expected))
            }
            print(String(format: "probabilities %@ %@: max diff %.2e", item.model, item.file, maxDiff))
            XCTAssertLessThanOrEqual(maxDiff, 1e-4, "\(item.model) \(item.file)")
            // Same top-5 order, except between classes torch itself puts within 1e-6 of each other.
            let ours = Array(all.prefix(5).map(\.index))
            for rank in 0..<5 where ours[rank] != item.top5[rank] {
                let a = byIndex[item.top5[rank]] ?? 0, b = byIndex[ours[rank]] ?? 0
                XCTAssertLessThan(abs(a - b), 1e-6, "\(item.model) \(item.file) top-5 \(ours) vs \(item.top5)")
            }
        }
        XCTAssertEqual(ClassLabels.imagenet[281], "tabby")
        XCTAssertEqual(ClassLabels.cifar10[3], "cat")
    }
}
