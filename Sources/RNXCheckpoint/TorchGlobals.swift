import RNXPickle
import RNXTensor

/// The globals a torch checkpoint may name, and what the tensor-related ones mean.
///
/// Everything else a pickle names is refused before anything is built from it. Nothing here is ever called:
/// the names are only compared, and the torch layer interprets the recorded calls itself.
public enum TorchGlobals {
    /// Storage classes (`torch.FloatStorage`, ...) and their dtypes; `UntypedStorage` counts bytes.
    static let storageTypes: [String: DType] = [
        "DoubleStorage": .float64, "FloatStorage": .float32, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool, "UntypedStorage": .uint8,
    ]

    /// Storage classes that are allowed as names but that rnx has no dtype for (refused with a clear message).
    static let unsupportedStorageTypes: Set<String> = [
        "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
        "QUInt4x2Storage", "QUInt2x4Storage",
    ]

    /// `torch.<name>` dtype objects and their dtypes.
    static let dtypes: [String: DType] = [
        "float64": .float64, "double": .float64, "float32": .float32, "float": .float32,
        "float16": .float16, "half": .float16, "bfloat16": .bfloat16,
        "int64": .int64, "long": .int64, "int32": .int32, "int": .int32, "int16": .int16, "short": .int16,
        "int8": .int8, "uint8": .uint8, "bool": .bool, "uint16": .uint16, "uint32": .uint32, "uint64": .uint64,
    ]

    static let rebuildTensorV2 = GlobalName(module: "torch._utils", name: "_rebuild_tensor_v2")
    static let rebuildTensorV3 = GlobalName(module: "torch._utils", name: "_rebuild_tensor_v3")
    static let rebuildParameter = GlobalName(module: "torch._utils", name: "_rebuild_parameter")
    static let rebuildParameterWithState = GlobalName(module: "torch._utils", name: "_rebuild_parameter_with_state")
    static let orderedDict = GlobalName(module: "collections", name: "OrderedDict")
    static let torchSize = GlobalName(module: "torch", name: "Size")
    static let namespace = GlobalName(module: "argparse", name: "Namespace")
    /// torch 0.1's tar format pickles parameters as this class, built empty and given a state (never called).
    static let parameter = GlobalName(module: "torch.nn.parameter", name: "Parameter")

    /// Exactly the globals a torch checkpoint may reference (issue 2's list).
    public static let allowlist: Set<GlobalName> = {
        var names: Set<GlobalName> = [
            orderedDict, rebuildTensorV2, rebuildTensorV3, rebuildParameter, rebuildParameterWithState,
            torchSize, GlobalName(module: "torch", name: "device"),
            GlobalName(module: "torch.storage", name: "UntypedStorage"),
            GlobalName(module: "numpy.core.multiarray", name: "scalar"),
            GlobalName(module: "numpy._core.multiarray", name: "scalar"),
            GlobalName(module: "numpy", name: "dtype"),
            GlobalName(module: "builtins", name: "set"), GlobalName(module: "builtins", name: "frozenset"),
            // Python 3 writes protocol-2 pickles with Python 2 module names (fix_imports).
            GlobalName(module: "__builtin__", name: "set"), GlobalName(module: "__builtin__", name: "frozenset"),
            GlobalName(module: "_codecs", name: "encode"),
            namespace,
        ]
        for name in storageTypes.keys { names.insert(GlobalName(module: "torch", name: name)) }
        for name in unsupportedStorageTypes { names.insert(GlobalName(module: "torch", name: name)) }
        for name in dtypes.keys { names.insert(GlobalName(module: "torch", name: name)) }
        return names
    }()

    /// The policy the readers run the pickle machine with.
    public static let policy = GlobalPolicy.allow(allowlist)

    /// The tar format's extra names: its parameter class in the object pickle, the tensor and storage classes
    /// (`torch.FloatTensor`, `torch.cuda.FloatStorage`, ...) in the records of the `tensors` and `storages` entries.
    static let tarAllowlist: Set<GlobalName> = {
        var names = allowlist
        names.insert(parameter)
        for module in ["torch", "torch.cuda"] {
            for storage in storageTypes.keys where storage != "UntypedStorage" {
                names.insert(GlobalName(module: module, name: storage))
                names.insert(GlobalName(module: module, name: tensorType(ofStorage: storage)))
            }
        }
        return names
    }()

    /// `FloatStorage` → `FloatTensor`.
    private static func tensorType(ofStorage name: String) -> String { String(name.dropLast("Storage".count)) + "Tensor" }

    /// The dtype of a tar record's tensor or storage class (`torch.FloatTensor`, `torch.cuda.HalfStorage`, ...).
    static func tarDType(of global: GlobalName) -> DType? {
        guard global.module == "torch" || global.module == "torch.cuda" else { return nil }
        if global.name.hasSuffix("Tensor") {
            return storageTypes[String(global.name.dropLast("Tensor".count)) + "Storage"]
        }
        return global.name == "UntypedStorage" ? nil : storageTypes[global.name]
    }

    /// Whether a global is on the allowlist.
    public static func isAllowed(_ global: GlobalName) -> Bool { allowlist.contains(global) }

    /// Whether a refused global is a model class, i.e. the file is `torch.save(model)` rather than a state dict.
    static func isModuleClass(_ global: GlobalName) -> Bool {
        ["torch.nn.", "torchvision.models", "timm.models"].contains { global.module.hasPrefix($0) }
    }

    /// The dtype of a storage class or dtype global, nil if it names neither.
    static func dtype(of global: GlobalName) -> DType? {
        if global.module == "torch.storage" && global.name == "UntypedStorage" { return .uint8 }
        guard global.module == "torch" else { return nil }
        return storageTypes[global.name] ?? dtypes[global.name]
    }
}
