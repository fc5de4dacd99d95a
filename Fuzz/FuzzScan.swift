import RNXCheckpoint

/// libFuzzer target (g): `rnx scan`'s reader on any bytes: the sniffing, raw pickle streams, both views of a zip
/// archive (with inflation), legacy, tar, `.npy`/`.npz` object arrays, and the rating of every reference.
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzScan(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let path = FuzzInput.write(start, count)
    let scan = GlobalScan.scan(path: path)
    _ = scan.verdict
    for pickle in scan.pickles {
        for reference in pickle.references { _ = scan.classify(reference.global) }
    }
    for error in scan.errors { _ = error.description }
    return 0
}
