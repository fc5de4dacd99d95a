@testable import RNXCheckpoint
import RNXTestSupport
import Testing

/// The scan's zip reader sees both views of an archive. Expected records come from `scripts/fixtures/gen_scan.py`,
/// which wrote the archives with Python's `zipfile` (record 0 at byte 0, the evil record after it).
struct ZipScanDirectoryTests {
    static func directory(_ file: String) throws -> ZipScanDirectory {
        let handle = try RandomAccessFile(path: Fixtures.path("scan/" + file))
        return try ZipScanDirectory(file: handle, end: try ZipScanDirectory.findEnd(handle))
    }

    /// The patched central entry points at the second local header: listed under its central name with the
    /// local name beside it (the second central entry points at the same data and is the same record); the first
    /// local header, which no central entry points at, is listed from the walk.
    @Test func centralDirectoryAndLocalHeadersDisagree() throws {
        let zip = try Self.directory("zip_directory_mismatch.pth")
        #expect(zip.problems.isEmpty)
        #expect(zip.records.map(\.name) == ["archive/data.pkl", "archive/data.pkl"])
        #expect(zip.records.map(\.view) == ["central directory", "local header"])
        #expect(zip.records[0].localName == "archive/data.pkx")
        #expect(zip.records[0].headerOffset > 0 && zip.records[1].headerOffset == 0)
    }

    /// A prefix before the archive shifts every offset; the data descriptor's sizes come from the central entry.
    @Test func prefixAndDataDescriptor() throws {
        let prefixed = try Self.directory("zip_with_prefix.pth")
        #expect(prefixed.archiveStart == 31 * 4)
        #expect(prefixed.records.map(\.headerOffset) == [31 * 4])
        let described = try Self.directory("zip_data_descriptor.pth")
        #expect(described.records.count == 1)
        #expect(described.records[0].flags & 0x08 != 0)
        // The stored pickle of os.system('true') at protocol 2 is 36 bytes (its local header says 0).
        #expect(described.records[0].compressedSize == 36)
    }

    /// torch writes zip64 end records: the central directory is found through them.
    @Test func torchArchive() throws {
        let zip = try Self.directory("torch_zip_state_dict.pth")
        #expect(zip.problems.isEmpty)
        #expect(zip.records.contains { $0.name.hasSuffix("/data.pkl") && $0.view == "central directory" })
        #expect(!zip.records.contains { $0.view == "local header" }, "both views agree on every record")
    }

    /// numpy's headers, structured dtypes included: whether a pickle follows.
    @Test func numpyObjectDtypes() throws {
        let structured = try Fixtures.data("scan/structured_object_field.npy")
        let bytes = [UInt8](structured)
        let (header, start) = try NumpyHeader.read(size: bytes.count) { _ in bytes }
        #expect(header.hasObjects && header.descr == "[('a', '<f4'), ('b', '|O')]" && start == 128)
        let floats = [UInt8](try Fixtures.data("scan/float_array.npy"))
        #expect(try !NumpyHeader.read(size: floats.count) { _ in floats }.header.hasObjects)
    }
}
