import RNXTensor
import Testing

/// Construction checks on tensors and state dicts: sizes from files must never trap.
struct TensorTests {
    @Test func rejectsByteCountThatDoesNotMatchTheShape() {
        // [2, 3] float32 needs 2 * 3 * 4 = 24 bytes.
        #expect(throws: TensorError.byteCountMismatch(shape: [2, 3], dtype: .float32, expected: 24, found: 20)) {
            try Tensor(dtype: .float32, shape: [2, 3], bytes: [UInt8](repeating: 0, count: 20))
        }
    }

    @Test func rejectsNegativeAndOverflowingShapes() {
        #expect(throws: TensorError.invalidShape([-1, 4])) {
            try Tensor(dtype: .float32, shape: [-1, 4], bytes: [])
        }
        // 0x4000000000000001 elements × 4 bytes overflows Int64.
        #expect(throws: TensorError.invalidShape([0x4000_0000_0000_0001])) {
            try Tensor(dtype: .float32, shape: [0x4000_0000_0000_0001], bytes: [])
        }
    }

    @Test func rankZeroAndEmptyTensors() throws {
        let scalar = try Tensor(dtype: .int64, shape: [], bytes: [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(scalar.elementCount == 1)
        #expect(scalar.floats() == [7])
        let empty = try Tensor(dtype: .float32, shape: [0, 5], bytes: [])
        #expect(empty.elementCount == 0)
    }

    @Test func checkedArithmeticReportsOverflowAndNegatives() {
        #expect(CheckedArithmetic.product([2, 3, 4]) == 24)
        #expect(CheckedArithmetic.product([]) == 1)
        #expect(CheckedArithmetic.product([Int.max, 2]) == nil)
        #expect(CheckedArithmetic.product([3, -1]) == nil)
        #expect(CheckedArithmetic.multiply(Int.max / 2 + 1, 2) == nil)
        #expect(CheckedArithmetic.add(Int.max, 1) == nil)
    }

    @Test func stateDictKeepsOrderAndRefusesDuplicates() throws {
        var dict = StateDict()
        let a = try Tensor(floats: [1, 2], shape: [2])
        let b = try Tensor(floats: [3], shape: [1])
        try dict.insert(name: "b", b)
        try dict.insert(name: "a", a)
        #expect(dict.names == ["b", "a"])
        #expect(dict.descriptors.map(\.name) == ["b", "a"])
        #expect(throws: TensorError.duplicateName("a")) { try dict.insert(name: "a", a) }
        #expect(throws: TensorError.missingTensor("c")) { try dict.replace(name: "c", with: a) }
        #expect(try dict.loadTensor(at: 1) == a)
        #expect(throws: TensorError.missingTensor("#2")) { try dict.loadTensor(at: 2) }
    }

    @Test func integerTensorsAreNotConvertedByDType() throws {
        let counter = try Tensor(dtype: .int64, shape: [], bytes: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try counter.converted(to: .float16) == counter)
    }
}
