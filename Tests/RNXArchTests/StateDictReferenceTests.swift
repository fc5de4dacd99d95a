import RNXArch
import RNXTensor
import Testing

/// The module tree's state-dict entries against torchvision's (and the CIFAR definition's) own `state_dict()`.
struct StateDictReferenceTests {
    @Test func everyReferenceModelHasTorchsEntries() throws {
        let models = try ArchReference.load()
        #expect(models.count == 27)
        for model in models {
            let entries = model.config.moduleTree.stateDictEntries()
            #expect(entries.count == model.count, "\(model.key)")
            guard let reference = model.entries else { continue }
            let ours = entries.map { ($0.name, $0.shape, $0.isInteger ? "int64" : "float32") }
            for (mine, theirs) in zip(ours, reference) {
                #expect(mine.0 == theirs.0 && mine.1 == theirs.1 && mine.2 == theirs.2, "\(model.key): \(mine) vs \(theirs)")
            }
        }
    }

    /// Detection from names and shapes alone gives back the configuration torch built.
    @Test func detectionRecoversEveryReferenceConfiguration() throws {
        for model in try ArchReference.load() {
            let descriptors = model.config.moduleTree.stateDictEntries().map {
                TensorDescriptor(name: $0.name, dtype: $0.isInteger ? .int64 : .float32, shape: $0.shape)
            }
            let detected = try ArchitectureDetector.detect(descriptors)
            #expect(detected == model.config, "\(model.key)")
            try WeightMapping.check(descriptors, against: detected)
        }
    }
}
