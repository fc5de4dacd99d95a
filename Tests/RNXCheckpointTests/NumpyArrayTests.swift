import Foundation
import RNXCheckpoint
import RNXTestSupport
import Testing

/// `.npy` reading and writing against files numpy 2.4.6 wrote (`scripts/fixtures/gen_npy.py`).
struct NumpyArrayTests {
    /// Every fixture array holds 0.5 · i at row-major index i (see the generator).
    static let halves = (0..<24).map { Float($0) * 0.5 }

    @Test(arguments: ["c-f4", "c-f8", "fortran-f4", "fortran-f8", "v2-f4", "v3-f4"])
    func readsNumpyFiles(name: String) throws {
        let array = try NumpyArray(contentsOfFile: Fixtures.path("npy/\(name).npy"))
        #expect(array.shape == [2, 3, 4])
        #expect(array.values == Self.halves)
    }

    @Test func readsVectors() throws {
        let array = try NumpyArray(contentsOfFile: Fixtures.path("npy/vector-f4.npy"))
        #expect(array.shape == [5])
        #expect(array.values == [0, 0.5, 1, 1.5, 2])
    }

    /// numpy's `np.save` of the same [2, 3] float32 array (values i / 4) wrote exactly these bytes.
    @Test func writesWhatNumpyWrites() throws {
        let array = try NumpyArray(shape: [2, 3], values: [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(array.npyBytes == [UInt8](try Fixtures.data("npy/written-2x3.npy")))
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("y.npy").path
        try array.write(toFile: path)
        #expect(try NumpyArray(contentsOfFile: path) == array)
        let vector = try NumpyArray(shape: [3], values: [1, 2, 3])
        #expect(try NumpyArray(npyBytes: vector.npyBytes) == vector)
    }

    @Test func missingFileCannotBeOpened() throws {
        #expect(throws: CheckpointError.cannotOpen(reason: "No such file or directory")) {
            try NumpyArray(contentsOfFile: "/nonexistent/x.npy")
        }
    }

    @Test func unwritableOutputCannotBeCreated() throws {
        let array = try NumpyArray(shape: [1], values: [1])
        #expect(throws: CheckpointError.cannotCreate(reason: "No such file or directory")) {
            try array.write(toFile: "/nonexistent/y.npy")
        }
    }

    // Hostile headers, built byte by byte: `header` is the dict text, padded as numpy pads it.
    private func file(version: UInt8 = 1, header: String, data: [UInt8] = []) -> [UInt8] {
        var text = header
        let prefix = version == 1 ? 10 : 12
        text += String(repeating: " ", count: (64 - (prefix + text.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let length = text.utf8.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), 0, 0]
        return bytes + Array(text.utf8) + data
    }

    private func floats(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count * 4) }

    @Test func rejectsBadMagic() {
        #expect(throws: CheckpointError.npyBadMagic) { try NumpyArray(npyBytes: Array("PK\u{3}\u{4}0000".utf8)) }
    }

    @Test func rejectsTruncatedFiles() {
        #expect(throws: CheckpointError.npyTruncatedHeader(needed: 8, found: 6)) {
            try NumpyArray(npyBytes: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])
        }
        let whole = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }")
        // 10 bytes of magic, version and length, 57 of dict and a newline, padded to 128.
        #expect(throws: CheckpointError.npyTruncatedHeader(needed: 128, found: 40)) {
            try NumpyArray(npyBytes: Array(whole.prefix(40)))
        }
    }

    @Test func rejectsUnknownVersions() {
        var bytes = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: floats(1))
        bytes[6] = 4
        #expect(throws: CheckpointError.npyUnsupportedVersion(major: 4, minor: 0)) { try NumpyArray(npyBytes: bytes) }
        bytes[6] = 1
        bytes[7] = 1
        #expect(throws: CheckpointError.npyUnsupportedVersion(major: 1, minor: 1)) { try NumpyArray(npyBytes: bytes) }
    }

    @Test func rejectsOtherDTypes() {
        for descr in [">f4", "<i8", "<f2", "|u1"] {
            let bytes = file(header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }", data: floats(2))
            #expect(throws: CheckpointError.npyUnsupportedDType(descr)) { try NumpyArray(npyBytes: bytes) }
        }
    }

    @Test func rejectsMalformedHeaders() {
        let missing = file(header: "{'descr': '<f4', 'shape': (1,), }", data: floats(1))
        #expect(throws: CheckpointError.npyMalformedHeader(
            offset: 10, reason: "keys must be exactly descr, fortran_order, shape (found descr, shape)")) {
            try NumpyArray(npyBytes: missing)
        }
        let duplicate = file(header: "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }")
        // The second 'descr' starts 17 characters into the header, which starts at offset 10.
        #expect(throws: CheckpointError.npyMalformedHeader(offset: 27, reason: "key 'descr' appears twice")) {
            try NumpyArray(npyBytes: duplicate)
        }
        let negative = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")
        // '-' is character 51 of the header.
        #expect(throws: CheckpointError.npyMalformedHeader(offset: 61, reason: "expected a non-negative integer")) {
            try NumpyArray(npyBytes: negative)
        }
        let notBool = file(header: "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }")
        #expect(throws: CheckpointError.npyMalformedHeader(offset: 44, reason: "expected a string, tuple or bool")) {
            try NumpyArray(npyBytes: notBool)
        }
        let trailing = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x")
        #expect(throws: CheckpointError.npyMalformedHeader(offset: 68, reason: "text after the header dict")) {
            try NumpyArray(npyBytes: trailing)
        }
    }

    @Test func rejectsShapesThatOverflow() {
        let bytes = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387905, 4), }")
        #expect(throws: CheckpointError.npyInvalidShape([4_611_686_018_427_387_905, 4])) {
            try NumpyArray(npyBytes: bytes)
        }
        let huge = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }")
        #expect(throws: CheckpointError.npyMalformedHeader(offset: 61, reason: "dimension too large")) {
            try NumpyArray(npyBytes: huge)
        }
    }

    @Test func rejectsWrongDataLength() {
        let short = file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: floats(5))
        #expect(throws: CheckpointError.npyDataSizeMismatch(shape: [2, 3], expected: 24, found: 20)) {
            try NumpyArray(npyBytes: short)
        }
        let long = file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: floats(5))
        #expect(throws: CheckpointError.npyDataSizeMismatch(shape: [2], expected: 16, found: 20)) {
            try NumpyArray(npyBytes: long)
        }
    }
}
