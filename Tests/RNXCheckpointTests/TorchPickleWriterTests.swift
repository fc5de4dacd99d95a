import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// The state-dict pickle rnx writes into `.pth` files against the one torch.save wrote for the same dict
/// (`scripts/fixtures/check_pth_with_torch.py`).
struct TorchPickleWriterTests {
    struct Entry: Decodable {
        var name: String
        var dtype: String
        var shape: [Int]
    }

    @Test func equalsTorchsPickleByteForByte() throws {
        // 1,003 tensors: two SETITEMS batches, memo slots past 255 (LONG_BINPUT/LONG_BINGET), every storage class,
        // shapes from rank 0 to 4 with sizes needing BININT1, BININT2 and BININT, and a zero-size dimension.
        let entries = try JSONDecoder().decode([Entry].self, from: Fixtures.data("pth/batch.entries.json"))
        #expect(entries.count == 1003)
        let pickle = try TorchPickleWriter.pickle(entries.enumerated().map { index, entry in
            TorchPickleWriter.Entry(
                name: entry.name, dtype: try #require(DType(rawValue: entry.dtype)), shape: entry.shape,
                storageKey: String(index))
        })
        let expected = [UInt8](try Fixtures.data("pth/batch.data.pkl"))
        #expect(pickle.count == expected.count)
        let firstDifference = zip(pickle, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil)
    }

    @Test func refusesDTypesTorchHasNoStorageFor() {
        #expect(throws: CheckpointError.writeFailed(reason: "torch has no storage type for uint16 ('x')")) {
            try TorchPickleWriter.pickle([.init(name: "x", dtype: .uint16, shape: [2], storageKey: "0")])
        }
    }

    @Test func stridesAreTorchsContiguousOnes() {
        #expect(TorchPickleWriter.contiguousStrides([64, 3, 7, 7]) == [147, 49, 7, 1])
        #expect(TorchPickleWriter.contiguousStrides([10, 1]) == [1, 1])
        #expect(TorchPickleWriter.contiguousStrides([3, 1, 0, 2]) == [2, 2, 2, 1])
        #expect(TorchPickleWriter.contiguousStrides([]) == [])
    }

    @Test func anEmptyDictIsOrderedDictAlone() throws {
        // pickle.dumps(collections.OrderedDict(), protocol=2)
        #expect(try TorchPickleWriter.pickle([]) == Array("\u{80}\u{02}ccollections\nOrderedDict\nq\u{00})Rq\u{01}.".unicodeScalars.map { UInt8($0.value) }))
    }
}
