import Foundation
import RNXCheckpoint
import RNXTensor
import RNXTestSupport
import Testing

/// The attack files whose damage only shows in tensor bytes (`stage: data` in `fixtures/attacks/MANIFEST.json`):
/// `rnx inspect` rightly never reads those bytes, so the readers must catch them when a tensor is loaded.
struct AttackCorpusLoadTests {
    private func loadAll(_ file: String) throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("attacks/" + file))
        for index in checkpoint.descriptors.indices { _ = try checkpoint.loadTensor(at: index) }
    }

    /// One flipped bit in `archive/data/0` of a real torch.save file: the zip's CRC-32 is the only witness.
    @Test func bitFlipInTensorDataFailsTheCRC() {
        #expect(throws: CheckpointError.crcMismatch(entry: "archive/data/0")) { try loadAll("zip_crc_mismatch_bit_flip.pth") }
    }

    /// rnx reads a stored record as the ranges [0, 1) and [1, size) and checks the CRC itself: damage at either
    /// end of the record, or in between, must fail it too.
    @Test(arguments: ["zip_crc_bit_flip_first_byte.pth", "zip_crc_bit_flip_middle.pth", "zip_crc_bit_flip_last_byte.pth"])
    func bitFlipAtEitherEndOfAStoredRecordFailsTheCRC(_ file: String) {
        #expect(throws: CheckpointError.crcMismatch(entry: "archive/data/0")) { try loadAll(file) }
    }

    /// A stored record is its own uncompressed form: 65536 bytes declared over 65528 stored is a lie, not a short read.
    @Test func storedRecordWhoseSizesDifferIsRefused() {
        #expect(
            throws: CheckpointError.corruptZip(
                entry: "archive/data/0", reason: "stored entry declares 65536 bytes but holds 65528")
        ) { try loadAll("zip_stored_size_differs.pth") }
    }

    /// A deflated record declared 16 bytes that inflates to 1 MiB must stop at 16 bytes and fail, not grow.
    @Test func deflatedStorageLongerThanDeclaredIsRefused() {
        #expect(
            throws: CheckpointError.corruptZip(entry: "archive/data/0", reason: "data is longer than its declared 16 bytes")
        ) { try loadAll("zip_deflate_storage_size_lies.pth") }
    }

    /// Honest sizes, ratio 1000:1: a legitimate 16 MiB tensor that must load (and holds zeros).
    @Test func highlyCompressedStorageLoads() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("attacks/zip_ratio_bomb_storage.pth"))
        let tensor = try checkpoint.loadTensor(at: 0)
        #expect(tensor.shape == [4 << 20])
        #expect(tensor.bytes.count == 16 << 20)
        #expect(tensor.bytes.allSatisfy { $0 == 0 })
    }

    /// A 64 KiB record (read as two ranges, CRC by ISA-L) loads to what torch wrote: arange(16384) as float32.
    @Test func largeStoredRecordLoadsTorchValues() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("attacks/control_real_torch_64k.pth"))
        let tensor = try checkpoint.loadTensor(at: 0)
        #expect(tensor.shape == [16384])
        #expect(tensor.bytes == (0..<16384).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) })
    }

    /// The same files built without damage load to what torch wrote: arange(4) as float32.
    @Test(arguments: ["control_real_torch.pth", "control_built.pth", "control_zip64.pth", "control_deflated.pth",
                      "control_real_legacy.pth", "control_built_legacy.pth"])
    func controlLoadsTorchValues(_ file: String) throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("attacks/" + file))
        #expect(checkpoint.descriptors.map(\.name) == ["w"])
        let tensor = try checkpoint.loadTensor(at: 0)
        #expect(tensor.dtype == .float32)
        #expect(tensor.bytes == [0, 0, 0, 0, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40])  // 0, 1, 2, 3 LE
    }
}
