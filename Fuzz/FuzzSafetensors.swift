import RNXCheckpoint
import RNXTensor

/// libFuzzer target (d): safetensors and `.rnw` headers, offsets and tensor reads.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzSafetensors(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let path = FuzzInput.write(start, count)
    if let checkpoint = try? SafetensorsReader.read(path: path) {
        for index in checkpoint.descriptors.indices { _ = try? checkpoint.loadTensor(at: index) }
    }
    return 0
}
