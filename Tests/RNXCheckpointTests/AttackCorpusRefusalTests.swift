import RNXCheckpoint
import RNXTestSupport
import Testing

/// Exact errors for attack-corpus files (`scripts/fixtures/gen_attacks.py`) whose refusal used to be imprecise or
/// missing. Offsets come from `python3 -m pickletools` on the files (quoted in each test), not from rnx.
struct AttackCorpusRefusalTests {
    private func open(_ file: String) throws -> Checkpoint {
        try Checkpoint.open(path: Fixtures.path("attacks/" + file))
    }

    /// `117: LONG1 4611686018427387905`, `127: TUPLE`, `128: BINPERSID` in `archive/data.pkl`:
    /// 0x4000000000000001 float32 elements are 2^64 + 4 bytes, which no Int holds.
    @Test func storageByteSizeOverflowNamesThePersistentID() {
        #expect(throws: CheckpointError.unexpectedPickle(
            reason: "storage '0' declares 4611686018427387905 elements of 4 bytes, which overflows", offset: 128)
        ) { try open("zip_storage_bytes_overflow.pth") }
    }

    /// `117: BININT -4`, `122: TUPLE`, `123: BINPERSID` in `archive/data.pkl`.
    @Test func negativeStorageSizeNamesThePersistentID() {
        #expect(throws: CheckpointError.unexpectedPickle(
            reason: "storage '0' declares a negative size (-4 elements)", offset: 123)
        ) { try open("negative_numel.pth") }
    }

    /// The record header is `struct.pack("<q", -4)`; the pickle declares 4 elements (`252: BININT1 4`).
    @Test func negativeLegacyRecordCountIsPrintedAsSigned() {
        #expect(throws: CheckpointError.storageCountMismatch(key: "140000000000000", declared: 4, found: -4)) {
            try open("legacy_record_count_negative.pth")
        }
    }

    /// The five pickles end at byte 322 (`321: STOP` of the key list); one record of 8 + 16 bytes follows, so the
    /// 8 extra bytes start at 322 + 24 = 346 of the 354-byte file.
    @Test func bytesAfterTheLastLegacyRecordAreRefused() {
        #expect(throws: CheckpointError.legacyTrailingBytes(offset: 346, count: 8)) {
            try open("legacy_trailing_bytes.pth")
        }
        #expect(CheckpointError.legacyTrailingBytes(offset: 346, count: 8).description
            == "8 trailing bytes at byte 346, after the last storage record, belong to no storage")
    }

    /// The same file without the extra bytes opens: the check counts exactly the records.
    @Test func legacyFileEndingAtItsLastRecordOpens() throws {
        #expect(try open("control_built_legacy.pth").descriptors.map(\.name) == ["w"])
    }
}
