import RNXCheckpoint
import RNXTensor

/// libFuzzer target (b): a torch zip archive through libzip, the torch pickle layer and every tensor's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzTorchZip(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let path = FuzzInput.write(start, count)
    if let checkpoint = try? TorchZipReader.read(path: path) {
        for index in checkpoint.descriptors.indices { _ = try? checkpoint.loadTensor(at: index) }
    }
    _ = GlobalScan.scan(path: path)
    return 0
}
