import RNXCheckpoint
import RNXTensor

/// libFuzzer target (e): torch's tar format (torch < 0.1.10): the tar index, PAX records, the tensors and storages
/// entries' records, every tensor, and the scan of every pickle.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzTorchTar(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let path = FuzzInput.write(start, count)
    if let checkpoint = try? TorchTarReader.read(path: path) {
        for index in checkpoint.descriptors.indices { _ = try? checkpoint.loadTensor(at: index) }
    }
    _ = GlobalScan.scan(path: path)
    return 0
}
