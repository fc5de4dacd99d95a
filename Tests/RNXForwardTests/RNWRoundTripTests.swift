import RNXCheckpoint
import RNXForward
import RNXTensor
import RNXTestSupport
import Testing

/// `validate --against` in library form: a safetensors copy (what a `.rnw` is) of the torch-written resnet20
/// checkpoint, in float32 and in float16, gives the source's logits.
struct RNWRoundTripTests {
    @Test(arguments: [DType.float32, .float16])
    func safetensorsCopyMatchesItsSource(dtype: DType) throws {
        let source = Fixtures.path("checkpoints/resnet20-cifar10.pth")
        let checkpoint = try Checkpoint.open(path: source)
        let directory = try Fixtures.temporaryDirectory()
        let copy = directory.appendingPathComponent("resnet20.rnw").path
        let descriptors = checkpoint.descriptors.map { descriptor in
            var result = descriptor
            if descriptor.dtype.isFloatingPoint { result.dtype = dtype }
            return result
        }
        let writer = try SafetensorsWriter(path: copy, descriptors: descriptors, metadata: [("format", "rnw")])
        for index in checkpoint.descriptors.indices {
            try writer.write(try checkpoint.loadTensor(at: index).converted(to: dtype))
        }
        _ = try writer.finish()

        let loaded = try ModelLoader.load(copy)
        let reference = try ModelLoader.load(source)
        #expect(loaded.architecture == "resnet20")
        let report = try Validation.compare(loaded, modelPath: copy, against: reference, referencePath: source,
                                            input: nil, relativeTolerance: 1e-4, threads: 1)
        let comparison = try #require(report.comparison)
        if dtype == .float32 {
            #expect(comparison.maxAbsoluteError == 0, "\(comparison)")
        } else {
            // float16 weights round each value to 11 significant bits; the logits move, but stay close.
            #expect(comparison.maxAbsoluteError > 0 && comparison.cosineSimilarity > 0.999, "\(comparison)")
        }
    }
}
