/// What a reader learned about a checkpoint besides its tensors, for `rnx inspect` and `.rnw` metadata.
public struct CheckpointDetails: Sendable {
    /// Serialization version (zip `version` record, legacy protocol version), if the format has one.
    public var serializationVersion: String?
    /// The pickle protocol of the main pickle, if any.
    public var pickleProtocol: Int?
    /// Where the state dict was found inside a training checkpoint, e.g. `state_dict` or `model.ema`; nil at top level.
    public var stateDictPath: String?
    /// Prefixes stripped from every key, e.g. `module.` (DataParallel) or `_orig_mod.` (torch.compile).
    public var strippedPrefixes: [String]
    /// The other dicts of tensors in the file, by top-level key (or path), and why they were not taken
    /// (`same layout`, `not a ResNet`, `a model`, `not a model`).
    public var alsoFound: [(path: String, note: String)] = []
    /// The recorded class of the pickled module the state dict was walked from (`torch.save(model)`,
    /// TorchScript), e.g. `torchvision.models.resnet.ResNet`; nil for a state dict. Never imported.
    public var moduleClass: String?
    /// The checkpoint's other top-level entries (`epoch`, `arch`, `best_acc1`, ...) rendered as Python-like text.
    public var otherEntries: [(key: String, value: String)]
    /// String metadata (safetensors `__metadata__`).
    public var metadata: [String: String]
    /// Where a safetensors file's data section starts (8 + header length); nil for the torch formats.
    public var dataOffset: Int?

    /// Details as a reader has them; `alsoFound` and `moduleClass` start empty and the pickle layer fills them.
    public init(
        serializationVersion: String? = nil, pickleProtocol: Int? = nil, stateDictPath: String? = nil,
        strippedPrefixes: [String] = [], otherEntries: [(key: String, value: String)] = [],
        metadata: [String: String] = [:], dataOffset: Int? = nil
    ) {
        self.serializationVersion = serializationVersion
        self.pickleProtocol = pickleProtocol
        self.stateDictPath = stateDictPath
        self.strippedPrefixes = strippedPrefixes
        self.otherEntries = otherEntries
        self.metadata = metadata
        self.dataOffset = dataOffset
    }
}
