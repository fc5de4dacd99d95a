// The one module a Swift program imports to use rnx: it re-exports every layer, so `import RNX` brings the
// checkpoint readers, the architectures, the forward pass, conversion and the reports, and adds the task-shaped
// types of this folder (`Model`, `Conversion`, `Summary`, `Logits`) on top. A program may still import one layer
// alone (`import RNXCheckpoint` to read files without linking OpenBLAS's loader or swift-crypto).
@_exported import RNXArch
@_exported import RNXCheckpoint
@_exported import RNXConvert
@_exported import RNXForward
@_exported import RNXImage
@_exported import RNXPickle
@_exported import RNXPredict
@_exported import RNXReport
@_exported import RNXTensor
