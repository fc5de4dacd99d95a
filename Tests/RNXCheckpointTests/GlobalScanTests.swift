import RNXCheckpoint
import RNXPickle
import RNXTestSupport
import Testing

/// `GlobalScan` parses every pickle of a file without building anything, even files the load refuses.
struct GlobalScanTests {
    static func names(_ scan: GlobalScan) -> [String] { scan.pickles.map(\.location) }
    static func dangerous(_ scan: GlobalScan) -> [PickleScan.Reference] { scan.dangerous.map(\.reference) }

    @Test func legacyFileHasFivePickles() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("checkpoints/views-legacy.pth"))
        #expect(scan.container == "legacy")
        #expect(Self.names(scan) == ["magic number", "protocol version", "sys_info", "object", "storage keys"])
        #expect(scan.verdict == .clean && scan.errors.isEmpty)
        // views.pth holds float32, int32, float64 and int16 tensors: exactly these storage classes appear.
        let storages = Set(scan.pickles.flatMap(\.references).map(\.global.name).filter { $0.hasSuffix("Storage") })
        #expect(storages == ["FloatStorage", "IntStorage", "DoubleStorage", "ShortStorage"])
    }

    /// pickletools: `13: c GLOBAL 'posix system'`, `49: R REDUCE`.
    @Test func dangerousGlobalIsReportedWithItsOffsetAndUse() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("checkpoints/errors/os-system.pth"))
        let system = GlobalName(module: "posix", name: "system")
        #expect(Self.dangerous(scan) == [PickleScan.Reference(global: system, offset: 13, opcode: "GLOBAL"),
                                         PickleScan.Reference(global: system, offset: 49, opcode: "REDUCE")])
        #expect(scan.verdict == .dangerous)
        #expect(scan.classify(system) == GlobalClass(rating: .dangerous, reason: "runs a shell command"))
    }

    /// The storage-key list pickle is `297: PROTO 2`, `299: GLOBAL 'posix system'`, ..., `329: REDUCE`: not a list,
    /// which the load refuses, but the scan must still name its global.
    @Test func legacyPicklesAreScannedWhateverTheirShape() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("attacks/legacy_malicious_key_list.pth"))
        #expect(Self.names(scan) == ["magic number", "protocol version", "sys_info", "object", "storage keys"])
        #expect(Self.dangerous(scan).map(\.offset) == [299, 329])
    }

    /// torch writes uint16 tensors with _rebuild_tensor_v3 over torch.storage.UntypedStorage and the dtype torch.uint16.
    @Test func allowlistCoversWhatTorchWrites() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("checkpoints/dtypes.pth"))
        let names = Set(scan.pickles.flatMap(\.references).map(\.global.description))
        #expect(names.isSuperset(of: ["torch._utils._rebuild_tensor_v3", "torch.storage.UntypedStorage", "torch.uint16"]))
        #expect(scan.verdict == .clean)
    }

    /// The scan finds every pickle of the tar file, named by entry, and the real file's globals.
    @Test func tarFileListsEveryPickle() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("checkpoints/tar/cifar-tiny.pth"))
        #expect(scan.container == "tar")
        let names = Self.names(scan)
        #expect(names.prefix(3) == ["sys_info", "pickle", "tensors#0"])
        // count + one record per tensor (37) in tensors; count + 37 storages + the views in storages
        #expect(names.filter { $0.hasPrefix("tensors#") }.count == 38)
        #expect(names.filter { $0.hasPrefix("storages#") }.count == 39)
        let globals = Set(scan.pickles.flatMap(\.references).map(\.global.description))
        #expect(globals == ["collections.OrderedDict", "torch.nn.parameter.Parameter", "torch.FloatTensor", "torch.FloatStorage"])
        #expect(scan.verdict == .clean, "the tar format's tensor classes are allowed there")
    }

    /// Whole pickled models: their module classes are data, not dangerous.
    @Test func moduleClassesAreData() throws {
        let scan = GlobalScan.scan(path: Fixtures.path("checkpoints/whole-module.pth"))
        let ratings = Set(scan.pickles.flatMap(\.references).map { scan.classify($0.global).rating })
        #expect(ratings == [.allowed, .data], "\(scan.pickles.flatMap(\.references))")
        #expect(scan.verdict == .clean)
    }

    @Test func aMissingFileIsAnError() {
        let scan = GlobalScan.scan(path: Fixtures.path("scan/no-such-file"))
        #expect(scan.verdict == .unreadable)
        #expect(scan.errors == [.cannotOpen(reason: "No such file or directory")])
    }

    /// Rated by the allowlist; reasons for the well-known dangerous names, their modules, and name tricks.
    @Test(arguments: [
        ("collections", "OrderedDict", GlobalClass.Rating.allowed, "on rnx's allowlist for weights"),
        ("torch.nn.modules.conv", "Conv2d", .data, "a module class, read as data"),
        ("__torch__.torchvision.models.resnet", "ResNet", .data, "a module class, read as data"),
        ("torch.nn.modules.module", "_global_forward_hooks", .dangerous, "not on rnx's allowlist; Python imports and may call it"),
        ("torch.nn.modules.conv", "Conv2d.__init__", .dangerous, "walks attributes to reach any object (a dotted name)"),
        ("os", "system", .dangerous, "runs a shell command"),
        ("os.path", "join", .dangerous, "operating-system access (processes, files, environment)"),
        ("<computed>", "system", .dangerous, "a name computed when the pickle loads (any global)"),
        ("<opaque>", "call", .dangerous, "calls the result of another call (a value the pickle computed)"),
        ("__main__", "Net", .dangerous, "not on rnx's allowlist; Python imports and may call it"),
    ])
    func classification(_ module: String, _ name: String, _ rating: GlobalClass.Rating, _ reason: String) {
        let rated = GlobalClass.of(GlobalName(module: module, name: name), allowlist: TorchGlobals.allowlist)
        #expect(rated == GlobalClass(rating: rating, reason: reason))
    }
}
