import RNXCheckpoint
import RNXPickle
import RNXTestSupport
import Testing

/// `GlobalScan` parses every pickle of a file without building anything, even files the load refuses.
struct GlobalScanTests {
    @Test func legacyFileHasFivePickles() throws {
        let scan = try GlobalScan.scan(path: Fixtures.path("checkpoints/views-legacy.pth"))
        #expect(scan.format == .torchLegacy)
        #expect(scan.pickles.map(\.name) == ["magic number", "protocol version", "sys_info", "object", "storage keys"])
        #expect(scan.refused.isEmpty)
        // views.pth holds float32, int32, float64 and int16 tensors: exactly these storage classes appear.
        let storages = Set(scan.pickles.flatMap(\.globals).map(\.global.name).filter { $0.hasSuffix("Storage") })
        #expect(storages == ["FloatStorage", "IntStorage", "DoubleStorage", "ShortStorage"])
    }

    /// pickletools: `13: c GLOBAL 'posix system'`.
    @Test func refusedGlobalIsReportedWithItsOffset() throws {
        let scan = try GlobalScan.scan(path: Fixtures.path("checkpoints/errors/os-system.pth"))
        #expect(scan.refused == [GlobalReference(global: GlobalName(module: "posix", name: "system"), offset: 13)])
    }

    /// The storage-key list pickle is `297: PROTO 2`, `299: GLOBAL 'posix system'`, ..., `329: REDUCE`: not a list,
    /// which the load refuses, but the scan must still name its global.
    @Test func legacyPicklesAreScannedWhateverTheirShape() throws {
        let scan = try GlobalScan.scan(path: Fixtures.path("attacks/legacy_malicious_key_list.pth"))
        #expect(scan.pickles.map(\.name) == ["magic number", "protocol version", "sys_info", "object", "storage keys"])
        #expect(scan.refused == [GlobalReference(global: GlobalName(module: "posix", name: "system"), offset: 299)])
    }

    /// torch writes uint16 tensors with _rebuild_tensor_v3 over torch.storage.UntypedStorage and the dtype torch.uint16.
    @Test func allowlistCoversWhatTorchWrites() throws {
        let scan = try GlobalScan.scan(path: Fixtures.path("checkpoints/dtypes.pth"))
        let names = Set(scan.pickles.flatMap(\.globals).map(\.global.description))
        #expect(names.isSuperset(of: ["torch._utils._rebuild_tensor_v3", "torch.storage.UntypedStorage", "torch.uint16"]))
        #expect(scan.refused.isEmpty)
    }
}
