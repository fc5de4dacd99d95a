import Foundation
import RNXCheckpoint
import RNXPickle
import RNXTensor
import RNXTestSupport
import Testing

/// Each malformed or hostile file of `fixtures/checkpoints/errors/` ends in exactly the error it should.
///
/// The files and what is wrong with each are made by `scripts/fixtures/gen_checkpoint_errors.py`.
struct ReaderErrorTests {
    private func open(_ name: String) throws -> Checkpoint {
        try Checkpoint.open(path: Fixtures.path("checkpoints/errors/" + name))
    }

    /// Opens the file and reads every tensor, so errors found only when data is read surface too.
    private func readAll(_ name: String) throws {
        _ = try open(name).loadAll()
    }

    /// Python could build these, but no state dict is cyclic or doubles shared references on purpose; they are
    /// refused before anything walks them (files from `scripts/fixtures/gen_attacks.py`).
    @Test func cyclesAndBillionLaughs() {
        func attack(_ name: String) throws -> Checkpoint {
            try Checkpoint.open(path: Fixtures.path("attacks/" + name))
        }
        #expect(throws: CheckpointError.pickleCycle) { try attack("memo_cycle_list.pth") }
        #expect(throws: CheckpointError.pickleCycle) { try attack("memo_cycle_state_dict.pth") }
        #expect(throws: CheckpointError.pickleUnfoldsTooLarge(limit: 1_000_000)) { try attack("billion_laughs_entry.pth") }
    }

    @Test func unsafeEntryNames() {
        #expect(throws: CheckpointError.unsafeEntryName("views/../evil")) { try readAll("dotdot.pth") }
        #expect(throws: CheckpointError.unsafeEntryName("/views/data.pkl")) { try readAll("absolute.pth") }
        #expect(throws: CheckpointError.unsafeEntryName("views\\evil")) { try readAll("backslash.pth") }
    }

    @Test func duplicateAndStrayEntries() {
        #expect(throws: CheckpointError.corruptZip(entry: nil, reason: "two entries have the same name")) {
            try readAll("duplicate.pth")
        }
        #expect(throws: CheckpointError.entryOutsidePrefix(entry: "other/data.pkl", prefix: "views")) {
            try readAll("outside-folder.pth")
        }
    }

    @Test func missingRecords() {
        #expect(throws: CheckpointError.missingRecord("data.pkl")) { try readAll("no-data-pkl.pth") }
        #expect(throws: CheckpointError.missingRecord("data/0")) { try readAll("missing-record.pth") }
    }

    @Test func byteOrder() {
        #expect(throws: CheckpointError.unsupportedByteOrder("middle")) { try readAll("byteorder-middle.pth") }
    }

    /// The zip and pickle are intact, so the file opens; reading the flipped storage fails its CRC.
    @Test func crcIsVerifiedWhenTheTensorIsRead() throws {
        let checkpoint = try open("crc.pth")
        #expect(throws: CheckpointError.crcMismatch(entry: "views/data/0")) { try checkpoint.loadTensor(at: 0) }
    }

    @Test func brokenZips() {
        #expect {
            try readAll("truncated.pth")
        } throws: { error in
            if case .corruptZip(nil, _) = error as? CheckpointError { return true }
            return false
        }
        #expect {
            try readAll("pk-garbage.pth")
        } throws: { error in
            if case .corruptZip(nil, _) = error as? CheckpointError { return true }
            return false
        }
    }

    /// views.pth's data.pkl is 842 bytes; the generator declared 10 fewer in both headers of a deflated copy.
    @Test func inflatedDataLongerThanDeclared() {
        #expect(throws: CheckpointError.corruptZip(entry: "views/data.pkl", reason: "data is longer than its declared 832 bytes")) {
            try readAll("inflated-size-lies.pth")
        }
    }

    /// data/0 deflates 24 bytes into 17 (zipfile's compress_size) but declares 10^9: refused before allocating.
    @Test func inflationBombIsRefusedBeforeAllocating() throws {
        let checkpoint = try open("inflation-bomb.pth")
        #expect(throws: CheckpointError.corruptZip(
            entry: "inflation-bomb/data/0", reason: "declares 1000000000 bytes, more than its 17 compressed bytes can hold")
        ) { try checkpoint.loadTensor(at: 0) }
    }

    @Test func storagesDisagreeingWithThePickle() {
        // 6 floats declared (24 bytes), 5 present (20 bytes).
        #expect(throws: CheckpointError.storageSizeMismatch(key: "0", declaredBytes: 24, recordBytes: 20)) {
            try readAll("short-record.pth")
        }
        #expect(throws: CheckpointError.storageConflict(key: "0")) { try readAll("storage-conflict.pth") }
    }

    @Test func viewsThatDoNotFit() {
        // Last element: 4 + (2-1)*2 + (2-1)*1 = 7, past the 6 elements of the storage.
        #expect(throws: CheckpointError.viewOutOfBounds(name: "w", shape: [2, 2], stride: [2, 1], offset: 4, storageElements: 6)) {
            try readAll("view-past-end.pth")
        }
        #expect(throws: CheckpointError.invalidView(name: "w", shape: [3], stride: [-1], offset: 5)) {
            try readAll("negative-stride.pth")
        }
        #expect(throws: CheckpointError.invalidView(name: "w", shape: [2], stride: [1], offset: -1)) {
            try readAll("negative-offset.pth")
        }
        #expect(throws: CheckpointError.invalidView(name: "w", shape: [2, 3], stride: [1], offset: 0)) {
            try readAll("rank-mismatch.pth")
        }
        // 0x4000000000000001 * 4 elements overflows Int64.
        #expect(throws: CheckpointError.invalidView(name: "w", shape: [0x4000_0000_0000_0001, 4], stride: [0, 0], offset: 0)) {
            try readAll("shape-overflow.pth")
        }
        // 2^40 float32 elements repeated from one: 2^42 bytes.
        #expect(throws: CheckpointError.viewTooLarge(name: "w", shape: [1 << 40], bytes: 1 << 42)) {
            try readAll("zero-stride-huge.pth")
        }
    }

    /// pickletools shows the REDUCE that builds the tensor at byte 157, followed by BUILD at 174.
    @Test func buildOnATensor() {
        #expect(throws: CheckpointError.tensorMutated(offset: 157)) { try readAll("build-on-tensor.pth") }
    }

    @Test func notAStateDict() {
        #expect(throws: CheckpointError.noStateDict(found: "a list")) { try readAll("list-of-tensors.pth") }
    }

    /// pickletools: `13: c GLOBAL 'posix system'` (Python pickles os.system under its real module, posix).
    @Test func dangerousGlobalIsRefused() {
        #expect(throws: PickleError.disallowedGlobal(module: "posix", name: "system", offset: 13)) {
            try readAll("os-system.pth")
        }
    }

    @Test func legacyHeaders() {
        #expect(throws: CheckpointError.badLegacyMagic) { try readAll("legacy-wrong-magic.pth") }
        #expect(throws: CheckpointError.unsupportedLegacyProtocol(1000)) { try readAll("legacy-protocol-1000.pth") }
    }

    @Test func legacyStorages() throws {
        #expect(throws: CheckpointError.unknownStorageKey("8")) { try readAll("legacy-unknown-key.pth") }
        #expect(throws: CheckpointError.storageCountMismatch(key: "7", declared: 2, found: 3)) {
            try readAll("legacy-count-mismatch.pth")
        }
        // The generator cut the last 3 bytes; storage keys are torch's memory addresses, so only the shortfall is fixed.
        #expect {
            try readAll("legacy-truncated.pth")
        } throws: { error in
            if case .truncatedStorage(_, _, let needed, let available) = error as? CheckpointError {
                return needed - available == 3
            }
            return false
        }
    }

    @Test func recordsAndPickleContentTorchNeverWrites() {
        #expect(throws: CheckpointError.recordTooLarge(entry: "version-huge/version", size: 300, limit: 256)) {
            try readAll("version-huge.pth")
        }
        // pickletools: `47: Q BINPERSID` (of the tuple ('module', 'source code')).
        #expect(throws: CheckpointError.unexpectedPickle(reason: "persistent id is not a torch storage", offset: 47)) {
            try readAll("not-a-storage.pth")
        }
        #expect(throws: CheckpointError.nonStringKey("1")) { try readAll("int-key.pth") }
        #expect(throws: CheckpointError.duplicateTensor("a")) { try readAll("duplicate-name.pth") }
        #expect(throws: CheckpointError.unsupportedStorageType("torch.ComplexFloatStorage")) { try readAll("complex.pth") }
    }

    @Test func legacyKeysAndViews() {
        #expect(throws: CheckpointError.missingRecord("storage 7")) { try readAll("legacy-missing-key.pth") }
        #expect(throws: CheckpointError.unsupportedStorageView(key: "7")) { try readAll("legacy-storage-view.pth") }
    }

    /// Files too short to be anything, and text.
    @Test func unrecognizedFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        for (name, bytes) in [("empty", [UInt8]()), ("one", [0x80]), ("eight", [UInt8](repeating: 7, count: 8)),
                              ("text", Array("hello, world\n".utf8)), ("proto-only", [0x80, 0x02])] {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            if name == "proto-only" {  // a pickle header, so the legacy reader looks for the magic number
                #expect(throws: CheckpointError.badLegacyMagic) { try Checkpoint.open(path: url.path) }
            } else {
                #expect(throws: CheckpointError.unrecognizedFormat) { try Checkpoint.open(path: url.path) }
            }
        }
    }

    @Test func missingFileCannotBeOpened() {
        #expect(throws: CheckpointError.cannotOpen(reason: "No such file or directory")) {
            try Checkpoint.open(path: "/nonexistent/rnx-test.pth")
        }
    }
}
