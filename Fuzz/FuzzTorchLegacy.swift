import RNXCheckpoint
import RNXTensor

/// libFuzzer target (c): the legacy torch format (magic, protocol, sys_info, pickles, raw storages).
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzTorchLegacy(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let path = FuzzInput.write(start, count)
    if let checkpoint = try? TorchLegacyReader.read(path: path) {
        for index in checkpoint.descriptors.indices { _ = try? checkpoint.loadTensor(at: index) }
    }
    _ = GlobalScan.scan(path: path)
    return 0
}
