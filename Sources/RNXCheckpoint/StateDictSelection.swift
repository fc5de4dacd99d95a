import RNXTensor

/// Which dict of tensors in a checkpoint is the model: the one `key` names, or the one chosen automatically.
///
/// Automatically, among every mapping of names to tensors in the file (training checkpoints hold several: the
/// model, its EMA copy, optimizer buffers, metrics), the ones `recognizesModel` accepts win (rnx passes "maps
/// onto a ResNet", which the architecture layer decides; this layer knows no architectures); without any, the ones
/// that look like a model (two or more tensors, one of them a matrix or more), else the largest. Copies of one
/// layout (`state_dict` and `state_dict_ema`) are ranked by their keys (`TorchPickleLayer.stateDictKeys`); models
/// of different layouts (`netG` and `netD`) are not guessed between: `CheckpointError.severalModels`.
public struct StateDictSelection: Sendable {
    /// A dotted path (`state_dict_ema`, `model.ema`, `optimizer_states.0`) to the dict to take, or nil to choose.
    public var key: String?
    /// Whether tensors (names after stripping) are a model rnx maps; also decides which common prefix is stripped.
    public var recognizesModel: (@Sendable ([TensorDescriptor]) -> Bool)?

    /// A selection of the dict at `key`, or (nil) of the one `recognizesModel` and the rules above choose.
    public init(key: String? = nil, recognizesModel: (@Sendable ([TensorDescriptor]) -> Bool)? = nil) {
        self.key = key
        self.recognizesModel = recognizesModel
    }

    /// Choose without a model test: model-like, else the largest.
    public static let automatic = StateDictSelection()
}
