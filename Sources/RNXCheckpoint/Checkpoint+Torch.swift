import RNXPickle
import RNXTensor

extension Checkpoint {
    /// A lazy checkpoint over a torch pickle's state dict, whose storages `readStorage` fetches on demand.
    ///
    /// Every view is validated against its storage's declared size here, before any data is read; `readStorage`
    /// must return exactly `storage.byteCount` bytes or throw.
    static func torch(
        path: String, format: CheckpointFormat, layer: TorchPickleLayer, details: CheckpointDetails,
        bigEndian: Bool, readStorage: @escaping (TorchStorage) throws -> [UInt8]
    ) throws -> Checkpoint {
        var descriptors: [TensorDescriptor] = []
        var plans: [(view: TorchTensorView, storage: TorchStorage, bytes: Int)] = []
        for (name, view) in layer.tensors {
            guard let storage = layer.storages[view.storageKey] else { throw CheckpointError.missingRecord("storage " + view.storageKey) }
            let bytes = try view.validate(name: name, storageBytes: storage.byteCount)
            descriptors.append(TensorDescriptor(name: name, dtype: view.dtype, shape: view.shape))
            plans.append((view, storage, bytes))
        }
        return Checkpoint(path: path, format: format, descriptors: descriptors, details: details) { index in
            let plan = plans[index]
            let storage = try readStorage(plan.storage)
            guard storage.count == plan.storage.byteCount else {
                throw CheckpointError.storageSizeMismatch(
                    key: plan.storage.key, declaredBytes: plan.storage.byteCount, recordBytes: storage.count)
            }
            var bytes = plan.view.gather(from: storage, byteCount: plan.bytes)
            if bigEndian { bytes.swapBytes(width: plan.view.dtype.byteSize) }
            return try Tensor(dtype: plan.view.dtype, shape: plan.view.shape, bytes: bytes)
        }
    }

    /// Runs the main pickle of a torch file: allowed globals, and classes recorded for module reconstructions
    /// (`policy`: the tar format's older pickles allow a different set).
    static func runTorchPickle(
        _ bytes: [UInt8], from start: Int = 0, limits: PickleLimits, policy: GlobalPolicy = TorchGlobals.policy
    ) throws -> PickleResult {
        try Unpickler(policy: policy, limits: limits).run(bytes, from: start)
    }
}
