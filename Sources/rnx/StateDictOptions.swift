import ArgumentParser
import RNXArch
import RNXCheckpoint

/// `--key`: which dict of tensors in a checkpoint is the model, for every command that reads one.
struct StateDictOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: ArgumentHelp(
        "Take the state dict at this dotted path of the checkpoint (state_dict_ema, model.ema) instead of the "
            + "one rnx chooses (the dict of tensors that maps onto a ResNet).", valueName: "PATH"))
    var key: String?

    /// The selection: `--key`, else the dict of tensors that maps onto a ResNet (common prefixes stripped).
    var selection: StateDictSelection {
        StateDictSelection(key: key, recognizesModel: WeightMapping.isResNet)
    }
}
