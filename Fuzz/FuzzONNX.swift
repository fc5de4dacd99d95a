import Foundation
import RNXExport

/// libFuzzer target (h): the ONNX reader of `rnx verify OUT.onnx` — protobuf parsing, the graph checks, every
/// initializer's dims and inline or external bytes (a 64-byte `weights.data` beside the input, so locations,
/// offsets and lengths reach real reads).
@_cdecl("LLVMFuzzerTestOneInput")
public func rnxFuzzONNX(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = ONNXVerifier.verify(model: data, directory: FuzzONNXFolder.path)
    return 0
}

/// A folder per process holding the external data file the fuzzed models may refer to.
enum FuzzONNXFolder {
    static let path: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : "/tmp"
        let folder = "\(base)/rnx-fuzz-onnx-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/weights.data", contents: Data((0..<64).map { UInt8($0) }))
        return folder
    }()
}
