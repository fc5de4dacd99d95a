import Foundation
import Testing

@testable import RNXCheckpoint
import RNXTestSupport

/// Stored zip records are read and CRC-checked chunk by chunk: the CRC must run on across chunk boundaries.
struct ZipReadChunkTests {
    private func record(_ file: String, readChunk: Int) throws -> [UInt8] {
        let archive = try ZipArchive(path: RNXTestSupport.Fixtures.path("attacks/" + file), readChunk: readChunk)
        guard let entry = archive.entries.first(where: { $0.name == "archive/data/0" }) else {
            throw CheckpointError.missingRecord("data/0")
        }
        return try archive.read(entry)
    }

    /// torch's 64 KiB arange(16384) record read in 4 KiB chunks (16 of them, plus the first byte on its own) and in
    /// chunks of 1000 bytes (not a divisor of anything) comes out as torch wrote it and passes its CRC.
    @Test(arguments: [4096, 1000, 65536])
    func recordReadInChunksKeepsItsBytes(_ readChunk: Int) throws {
        let bytes = try record("control_real_torch_64k.pth", readChunk: readChunk)
        #expect(bytes == (0..<16384).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) })
    }

    /// A flip at the start, in the middle (byte 40000, the tenth 4 KiB chunk) or at the end fails the CRC whatever the
    /// chunk size.
    @Test(arguments: [4096, 1000, 65536])
    func flipInAnyChunkFailsTheCRC(_ readChunk: Int) {
        for file in ["zip_crc_bit_flip_first_byte.pth", "zip_crc_bit_flip_middle.pth", "zip_crc_bit_flip_last_byte.pth"] {
            #expect(throws: CheckpointError.crcMismatch(entry: "archive/data/0")) { try record(file, readChunk: readChunk) }
        }
    }
}
