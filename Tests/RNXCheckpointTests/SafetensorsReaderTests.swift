import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// The strict safetensors reader on files written by Python's safetensors 0.8.0 and on malformed headers.
struct SafetensorsReaderTests {
    @Test func readsAFileWrittenByPythonSafetensors() throws {
        let checkpoint = try SafetensorsReader.read(path: Fixtures.path("safetensors/cifar-tiny.safetensors"))
        #expect(checkpoint.format == .safetensors)
        #expect(checkpoint.descriptors.count == 44)
        #expect(checkpoint.details.metadata == ["origin": "gen_safetensors.py"])
        let names = checkpoint.descriptors.map(\.name)
        let bias = try checkpoint.loadTensor(at: try #require(names.firstIndex(of: "linear.bias")))
        #expect(bias.dtype == .float16 && bias.shape == [10])
        let counter = try checkpoint.loadTensor(at: try #require(names.firstIndex(of: "bn1.num_batches_tracked")))
        // The generator set every num_batches_tracked to 1234.
        #expect(counter.dtype == .int64 && counter.shape == [] && counter.bytes == [0xD2, 0x04, 0, 0, 0, 0, 0, 0])
        let layout = try SafetensorsReader.readLayout(path: Fixtures.path("safetensors/cifar-tiny.safetensors"))
        #expect(layout.entries.first?.dataRange.lowerBound == 0)
        #expect(layout.entries.last?.dataRange.upperBound == layout.dataSize)
    }

    /// One file per malformation (scripts/fixtures/gen_safetensors.py); each has exactly one error.
    @Test(arguments: [
        ("short", CheckpointError.safetensorsTooShort(size: 3)),
        ("header-past-end", .safetensorsHeaderPastEnd(length: 1000, fileSize: 15)),
        ("header-too-large", .safetensorsHeaderTooLarge(length: 100_000_001, limit: 100_000_000)),
        ("not-json", .safetensorsHeaderInvalid(reason: "malformed JSON")),
        ("not-object", .safetensorsHeaderInvalid(reason: "does not start with '{'")),
        ("duplicate-key", .safetensorsDuplicateKey("w")),
        ("overlap", .safetensorsOverlap(key: "b", offset: 4)),
        ("hole", .safetensorsHole(key: "b", offset: 4)),
        ("trailing", .safetensorsTrailingBytes(offset: 4, count: 3)),
        ("past-end", .safetensorsPastEnd(key: "a", end: 16, dataSize: 8)),
        ("span-mismatch", .safetensorsSpanMismatch(key: "a", expected: 12, found: 8)),
        ("shape-overflow", .safetensorsInvalidEntry(key: "a", reason: "shape [4611686018427387905, 4] overflows")),
        ("unknown-dtype", .safetensorsUnknownDType(key: "a", code: "F24")),
        ("metadata-not-strings", .safetensorsInvalidEntry(key: "__metadata__", reason: "value of 'n' is not a string")),
    ])
    func refusesMalformedFiles(name: String, error: CheckpointError) {
        #expect(throws: error) { try SafetensorsReader.read(path: Fixtures.path("safetensors/hostile/\(name).safetensors")) }
        #expect(error.category == .badData)
    }

    @Test func missingFileCannotBeOpened() {
        #expect(throws: CheckpointError.cannotOpen(reason: "No such file or directory")) {
            try SafetensorsReader.read(path: "/nonexistent/x.safetensors")
        }
    }

    @Test func duplicateKeysSpelledWithEscapesAreFound() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("escaped.safetensors").path
        let header = Array(#"{"ab":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a\u0062":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#.utf8)
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(header.count))
        try Data(bytes + header + [1, 2]).write(to: URL(fileURLWithPath: path))
        #expect(throws: CheckpointError.safetensorsDuplicateKey("ab")) { try SafetensorsReader.read(path: path) }
    }

    @Test func writerRoundTripsWithAlignedDataAndOrderedMetadata() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("w.safetensors").path
        let tensors = [
            ("b.weight", try Tensor(floats: [1, 2, 3], shape: [3])),
            ("a.count", try Tensor(dtype: .int64, shape: [], bytes: [5, 0, 0, 0, 0, 0, 0, 0])),
            ("empty", try Tensor(dtype: .float16, shape: [0, 4], bytes: [])),
            ("c", try Tensor(floats: [0.5], shape: [1, 1], dtype: .bfloat16)),
        ]
        let writer = try SafetensorsWriter(
            path: path, descriptors: tensors.map { TensorDescriptor(name: $0.0, dtype: $0.1.dtype, shape: $0.1.shape) },
            metadata: [("z", "last \"quoted\"\n"), ("digest", ""), ("later", "")], reservedKeys: ["digest", "later"])
        for (_, tensor) in tensors { try writer.write(tensor) }
        let result = try writer.finish(
            patches: ["digest": String(repeating: "0123456789abcdef", count: 4), "later": String(repeating: "ab", count: 32)])
        #expect((8 + result.headerLength) % 64 == 0)
        #expect(result.dataSize == 12 + 8 + 0 + 2)
        let layout = try SafetensorsReader.readLayout(path: path)
        #expect(layout.metadataKeys == ["z", "digest", "later"])
        #expect(layout.metadata["z"] == "last \"quoted\"\n")
        #expect(layout.metadata["digest"] == String(repeating: "0123456789abcdef", count: 4))
        #expect(layout.metadata["later"] == String(repeating: "ab", count: 32))
        let checkpoint = try SafetensorsReader.read(path: path)
        #expect(checkpoint.descriptors.map(\.name) == ["b.weight", "a.count", "empty", "c"])
        for (index, (_, tensor)) in tensors.enumerated() { #expect(try checkpoint.loadTensor(at: index) == tensor) }
    }

    /// Past 8 MiB the writer starts the disk writes of each finished range while it goes on (and waits for ranges
    /// 64 MiB behind); the file must read back byte for byte whatever the timing.
    @Test func writerRoundTripsTensorsLargerThanItsWritebackChunks() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("big.safetensors").path
        // 3 x 24 MiB crosses the 8 MiB chunks and the 64 MiB lag at unaligned offsets (the header comes first);
        // each tensor holds its own value with a marker every 4099 elements, so misplaced ranges cannot compare equal.
        let count = 6 << 20
        let tensors = try (0..<3).map { index in
            var floats = [Float](repeating: Float(index + 1), count: count)
            for position in stride(from: index, to: count, by: 4099) { floats[position] = -Float(position) }
            return try Tensor(floats: floats, shape: [count])
        }
        let descriptors = tensors.indices.map { TensorDescriptor(name: "t\($0)", dtype: .float32, shape: [count]) }
        let writer = try SafetensorsWriter(path: path, descriptors: descriptors, metadata: [("k", "v")])
        for tensor in tensors { try writer.write(tensor) }
        let result = try writer.finish()
        #expect(result.dataSize == 3 * count * 4)
        let checkpoint = try SafetensorsReader.read(path: path)
        for index in tensors.indices { #expect(try checkpoint.loadTensor(at: index) == tensors[index]) }
    }

    @Test func writerRefusesAnExistingFileAndWrongTensors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("w.safetensors").path
        let descriptors = [TensorDescriptor(name: "x", dtype: .float32, shape: [2])]
        let writer = try SafetensorsWriter(path: path, descriptors: descriptors, metadata: [])
        #expect(throws: CheckpointError.writeFailed(reason: "tensor 'x' is f32 [3], the header says f32 [2]")) {
            try writer.write(try Tensor(floats: [1, 2, 3], shape: [3]))
        }
        #expect(throws: CheckpointError.writeFailed(reason: "1 tensors were never written")) { try writer.finish() }
        // The unfinished writer left nothing at `path`; a file that is there is refused.
        #expect(!FileManager.default.fileExists(atPath: path))
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CheckpointError.outputExists) {
            try SafetensorsWriter(path: path, descriptors: descriptors, metadata: [])
        }
    }
}
