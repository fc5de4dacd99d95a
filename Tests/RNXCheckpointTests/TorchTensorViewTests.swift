import Testing

@testable import RNXCheckpoint
import RNXTensor

/// The view arithmetic on small storages whose expected gathers are worked out by hand in each test.
struct TorchTensorViewTests {
    /// A storage of int8 values 0, 1, 2, ... so each gathered byte names the storage index it came from.
    private func storage(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0) } }

    private func gather(_ shape: [Int], _ stride: [Int], offset: Int = 0, storageCount: Int) throws -> [UInt8] {
        let view = TorchTensorView(dtype: .int8, shape: shape, stride: stride, offset: offset, storageKey: "0")
        let bytes = try view.validate(name: "t", storageBytes: storageCount)
        return view.gather(from: storage(storageCount), byteCount: bytes)
    }

    /// A 2x3 row-major matrix [[0,1,2],[3,4,5]] transposed: rows are the columns 0,3 / 1,4 / 2,5.
    @Test func transpose() throws {
        #expect(try gather([3, 2], [1, 3], storageCount: 6) == [0, 3, 1, 4, 2, 5])
    }

    /// Rows 1.. of a 4x6 matrix, every second column: indices 6+{0,2,4}, 12+{0,2,4}, 18+{0,2,4}.
    @Test func slicedWithOffset() throws {
        #expect(try gather([3, 3], [6, 2], offset: 6, storageCount: 24) == [6, 8, 10, 12, 14, 16, 18, 20, 22])
    }

    /// A zero stride repeats: expand of [1, 2] to 2x3 reads 1,1,1 then 2,2,2.
    @Test func zeroStride() throws {
        #expect(try gather([2, 3], [1, 0], offset: 1, storageCount: 3) == [1, 1, 1, 2, 2, 2])
    }

    /// A size-1 dimension may carry any stride, even one that would overflow if multiplied out.
    @Test func sizeOneDimensionWithHugeStride() throws {
        #expect(try gather([1, 3], [Int.max / 2, 1], offset: 2, storageCount: 6) == [2, 3, 4])
    }

    @Test func rankZeroAndEmpty() throws {
        #expect(try gather([], [], offset: 4, storageCount: 6) == [4])
        #expect(try gather([0, 3], [3, 1], offset: 1_000_000, storageCount: 6) == [])
    }

    /// Multi-byte elements are gathered whole: int16 values 0x0100, 0x0302 ... transposed as a 2x2.
    @Test func multiByteElements() throws {
        let view = TorchTensorView(dtype: .int16, shape: [2, 2], stride: [1, 2], offset: 0, storageKey: "0")
        let bytes = try view.validate(name: "t", storageBytes: 8)
        #expect(view.gather(from: storage(8), byteCount: bytes) == [0, 1, 4, 5, 2, 3, 6, 7])
    }

    @Test func boundsAreExact() throws {
        // The last element is 3 + 1*2 = 5, the last of 6: fits. One more offset does not.
        #expect(try gather([2], [2], offset: 3, storageCount: 6) == [3, 5])
        #expect(throws: CheckpointError.viewOutOfBounds(name: "t", shape: [2], stride: [2], offset: 4, storageElements: 6)) {
            try gather([2], [2], offset: 4, storageCount: 6)
        }
    }

    @Test func overflowingReachIsInvalid() {
        #expect(throws: CheckpointError.invalidView(name: "t", shape: [3], stride: [Int.max], offset: 0)) {
            try gather([3], [Int.max], storageCount: 6)
        }
    }

    @Test func byteSwap() {
        var bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        bytes.swapBytes(width: 4)
        #expect(bytes == [4, 3, 2, 1, 8, 7, 6, 5])
        bytes.swapBytes(width: 1)
        #expect(bytes == [4, 3, 2, 1, 8, 7, 6, 5])
    }

    @Test func entryNames() {
        for safe in ["archive/data.pkl", "a/data/0", "a/.data/version", "dir/"] { #expect(ZipArchive.isSafe(safe), "\(safe)") }
        for unsafe in ["/a/data.pkl", "a/../b", "..", ".", "a/..", "a\\b", "a//b", "a//", "", "a/./b", "a\u{0}b", "/",
                       "../\u{301}x", "/\u{301}x"] {  // a combining mark after '/' must not hide it
            #expect(!ZipArchive.isSafe(unsafe), "\(unsafe)")
        }
    }
}
