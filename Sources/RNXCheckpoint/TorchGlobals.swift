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

    /// torch 0.3/0.4's `_rebuild_tensor(storage, storage_offset, size, stride)`, in years of published checkpoints.
    static let rebuildTensor = GlobalName(module: "torch._utils", name: "_rebuild_tensor")
    static let rebuildTensorV2 = GlobalName(module: "torch._utils", name: "_rebuild_tensor_v2")
    static let rebuildTensorV3 = GlobalName(module: "torch._utils", name: "_rebuild_tensor_v3")
    static let rebuildParameter = GlobalName(module: "torch._utils", name: "_rebuild_parameter")
    static let rebuildParameterWithState = GlobalName(module: "torch._utils", name: "_rebuild_parameter_with_state")
    /// `_rebuild_from_type_v2(func, new_type, args, state)`: a tensor with Python attributes, or a tensor subclass.
    static let rebuildFromType = GlobalName(module: "torch._tensor", name: "_rebuild_from_type_v2")
    /// The tensor types `_rebuild_from_type_v2` may name for a plain tensor.
    static let plainTensorTypes: Set<GlobalName> = [
        GlobalName(module: "torch", name: "Tensor"), GlobalName(module: "torch.nn.parameter", name: "Parameter"),
    ]

    /// Tensors torch pickles (its `weights_only` loader rebuilds them) that rnx does not convert, by rebuild function.
    ///
    /// They are allowed as names so that a state dict holding one is refused with the key and the kind, not as a
    /// refused global; their arguments are never interpreted.
    static let unconvertedTensorKinds: [GlobalName: String] = [
        GlobalName(module: "torch._utils", name: "_rebuild_qtensor"): "a quantized tensor",
        GlobalName(module: "torch._utils", name: "_rebuild_sparse_tensor"): "a sparse tensor",
        GlobalName(module: "torch._utils", name: "_rebuild_nested_tensor"): "a nested tensor",
        GlobalName(module: "torch._utils", name: "_rebuild_meta_tensor_no_storage"): "a meta tensor with no data",
        GlobalName(module: "torch._utils", name: "_rebuild_wrapper_subclass"): "a tensor wrapper subclass",
        GlobalName(module: "torch._utils", name: "_rebuild_device_tensor_from_numpy"): "a device tensor saved from numpy",
        GlobalName(module: "torch._utils", name: "_rebuild_xla_tensor"): "a device tensor saved from numpy",
        GlobalName(module: "torch._utils", name: "_rebuild_device_tensor_from_cpu_tensor"):
            "a device tensor (e.g. XLA) saved from a CPU tensor",
    ]

    /// Names that only appear inside the arguments of unconverted tensors: layouts and quantization schemes.
    static let tensorArgumentNames: [GlobalName] = [
        GlobalName(module: "torch.serialization", name: "_get_layout"),
        GlobalName(module: "torch", name: "per_tensor_affine"), GlobalName(module: "torch", name: "per_tensor_symmetric"),
        GlobalName(module: "torch", name: "per_channel_affine"),
        GlobalName(module: "torch", name: "per_channel_symmetric"),
        GlobalName(module: "torch", name: "per_channel_affine_float_qparams"),
        GlobalName(module: "torch", name: "qint8"), GlobalName(module: "torch", name: "quint8"),
        GlobalName(module: "torch", name: "qint32"), GlobalName(module: "torch", name: "quint4x2"),
        GlobalName(module: "torch", name: "complex64"), GlobalName(module: "torch", name: "complex128"),
    ]

    /// TorchScript's constructors of typed lists in `data.pkl` (`build_intlist([1, 1])` is the list): data, never
    /// called; they appear among modules' attributes, which rnx does not interpret.
    static let torchScriptLists: [GlobalName] = ["build_intlist", "build_tensorlist", "build_doublelist",
                                                 "build_boollist", "build_complexlist"].map {
        GlobalName(module: "torch.jit._pickle", name: $0)
    }

    /// Every rebuild function rnx reads a dense tensor from (the parameter ones wrap one of the others).
    static let denseRebuilds: Set<GlobalName> = [
        rebuildTensor, rebuildTensorV2, rebuildTensorV3, rebuildParameter, rebuildParameterWithState, rebuildFromType,
    ]

    /// Whether `global` builds a tensor (one rnx reads or one it names in an error).
    static func isTensorRebuild(_ global: GlobalName) -> Bool {
        denseRebuilds.contains(global) || unconvertedTensorKinds[global] != nil
    }

    /// numpy arrays as numpy pickles them: `_reconstruct(ndarray, (0,), b'b')`, then BUILD with
    /// `(version, shape, dtype, is_fortran, data)`; numpy 1 names the module `numpy.core`, numpy 2 `numpy._core`.
    /// Shown by `inspect` as plain entries (metrics, class weights), never built.
    static let numpyReconstruct: Set<GlobalName> = [
        GlobalName(module: "numpy.core.multiarray", name: "_reconstruct"),
        GlobalName(module: "numpy._core.multiarray", name: "_reconstruct"),
    ]
    static let numpyDType = GlobalName(module: "numpy", name: "dtype")
    /// `scalar(dtype, bytes)`: a numpy scalar such as `np.float64(0.9)`.
    static let numpyScalar: Set<GlobalName> = [
        GlobalName(module: "numpy.core.multiarray", name: "scalar"),
        GlobalName(module: "numpy._core.multiarray", name: "scalar"),
    ]

    static let orderedDict = GlobalName(module: "collections", name: "OrderedDict")
    static let torchSize = GlobalName(module: "torch", name: "Size")
    static let namespace = GlobalName(module: "argparse", name: "Namespace")
    /// torch 0.1's tar format pickles parameters as this class, built empty and given a state (never called).
    static let parameter = GlobalName(module: "torch.nn.parameter", name: "Parameter")

    /// Exactly the globals a torch checkpoint may reference (issue 2's list).
    public static let allowlist: Set<GlobalName> = {
        var names: Set<GlobalName> = [
            orderedDict, torchSize, GlobalName(module: "torch", name: "device"),
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
        names.formUnion(denseRebuilds)
        names.formUnion(plainTensorTypes)
        names.formUnion(unconvertedTensorKinds.keys)
        names.formUnion(tensorArgumentNames)
        names.formUnion(torchScriptLists)
        names.formUnion(numpyReconstruct)
        names.insert(GlobalName(module: "numpy", name: "ndarray"))
        for name in storageTypes.keys { names.insert(GlobalName(module: "torch", name: name)) }
        for name in unsupportedStorageTypes { names.insert(GlobalName(module: "torch", name: name)) }
        for name in dtypes.keys { names.insert(GlobalName(module: "torch", name: name)) }
        return names
    }()

    /// The policy the readers run the pickle machine with.
    ///
    /// Other globals are recorded as class names, never imported, for pickled modules and TorchScript; the torch
    /// layer accepts them only as module reconstructions (`TorchPickleLayer.checkRecordedClasses`).
    public static let policy = GlobalPolicy.recordClasses(allowlist)

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

    /// The dtype of a storage class or dtype global, nil if it names neither.
    static func dtype(of global: GlobalName) -> DType? {
        if global.module == "torch.storage" && global.name == "UntypedStorage" { return .uint8 }
        guard global.module == "torch" else { return nil }
        return storageTypes[global.name] ?? dtypes[global.name]
    }
}
