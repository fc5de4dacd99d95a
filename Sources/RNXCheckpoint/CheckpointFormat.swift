/// The container format a checkpoint file uses.
public enum CheckpointFormat: String, Sendable, Hashable {
    /// `torch.save` since torch 1.6: a zip archive with `data.pkl` and `data/<key>` storages.
    case torchZip = "zip"
    /// `torch.save` before 1.6 (or `_use_new_zipfile_serialization=False`): magic, pickles, raw storages.
    case torchLegacy = "legacy"
    /// `torch.save` before torch 0.1.10: a POSIX tar of `sys_info`, `pickle`, `tensors` and `storages`.
    case torchTar = "tar"
    /// safetensors, including rnx's own `.rnw` files.
    case safetensors
}
