import Foundation
import RNXCheckpoint
import RNXTestSupport
import Testing

/// The tar format of torch < 0.1.10 on the real beginning of torchvision's `resnet18-5c106cde.pth` (see
/// `fixtures/real/README.md`): its `pickle` and `tensors` entries are complete, its `storages` entry is cut short.
struct TarReaderTests {
    let real = Fixtures.path("real/resnet18-5c106cde.first-1MiB.pth")

    /// Opening needs only the pickle and tensors entries: all 102 tensors of torchvision's resnet18 (the count the
    /// tensors entry's first pickle holds) with the shapes resnet18's definition gives.
    @Test func realPrefixInspects() throws {
        let checkpoint = try Checkpoint.open(path: real)
        #expect(checkpoint.format == .torchTar)
        #expect(checkpoint.details.serializationVersion == "1000")
        #expect(checkpoint.details.pickleProtocol == 2)
        #expect(checkpoint.descriptors.count == 102)
        let shapes = Dictionary(uniqueKeysWithValues: checkpoint.descriptors.map { ($0.name, $0.shape) })
        #expect(shapes["conv1.weight"] == [64, 3, 7, 7])
        #expect(shapes["layer4.1.conv2.weight"] == [512, 512, 3, 3])
        #expect(shapes["layer2.0.downsample.0.weight"] == [128, 64, 1, 1])
        #expect(shapes["fc.weight"] == [1000, 512])
        #expect(shapes["fc.bias"] == [1000])
        #expect(checkpoint.descriptors.allSatisfy { $0.dtype == .float32 })
    }

    /// Reading tensor data meets the cut: one error naming the storages entry, its offset and both sizes
    /// (46,801,661 declared by the real header; 1 MiB minus the entry's data offset present).
    @Test func realPrefixDataIsTruncated() throws {
        let checkpoint = try Checkpoint.open(path: real)
        let cut = CheckpointError.tarTruncatedEntry(
            name: "storages", offset: 20992, size: 46_801_661, available: 1_048_576 - 20992)
        #expect(throws: cut) { try checkpoint.loadTensor(at: 0) }
        #expect(throws: CheckpointError.tensorUnreadable(name: "conv1.weight", reason: cut.description)) {
            try checkpoint.readEveryTensor()
        }
    }

}
