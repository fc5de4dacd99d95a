/// The `.rnw` format: a safetensors file whose `__metadata__` says what it holds and where it came from.
///
/// Metadata keys, in the order rnx writes them (all values are strings, as safetensors requires):
/// `format` (`rnw`), `format_version` (`1`), `architecture` (canonical name such as `resnet50` or `resnet20-b`, or
/// `custom`), `config` (the full configuration as JSON), `num_classes`, `in_channels`, `source_file` (base name),
/// `source_format` (`zip`, `legacy` or `safetensors`), `source_sha256`, `adaptations` (a JSON array of
/// human-readable lines, `[]` if none), `adaptation_spec` (the same adaptations as a machine-readable JSON array,
/// see `Adaptation.record(_:)`; files of rnx 0.1 lack it), `labels` (a JSON array of the classifier rows'
/// names), `rnx_version`, `data_sha256` (SHA-256 of every byte after the header).
/// Files of timm or transformers models also carry `library` (whose names the tensors use: `torchvision`,
/// `timm`, `transformers`) and `source_library` (the input's), after `config`. A bare file in transformers' names
/// ends with `transformers_config`: the `config.json` a `save_pretrained` directory would hold beside it.
/// The header is padded with spaces so the data starts at a multiple of 64 bytes.
public enum RNWFormat {
    public static let formatName = "rnw"
    public static let version = "1"

    public enum Key {
        public static let format = "format"
        public static let formatVersion = "format_version"
        public static let architecture = "architecture"
        public static let config = "config"
        public static let numClasses = "num_classes"
        public static let inChannels = "in_channels"
        public static let sourceFile = "source_file"
        public static let sourceFormat = "source_format"
        public static let sourceSHA256 = "source_sha256"
        public static let adaptations = "adaptations"
        public static let adaptationSpec = "adaptation_spec"
        /// The same key as `ClassLabels.metadataKey` (RNXArch reads it from the metadata dictionary).
        public static let labels = "labels"
        public static let rnxVersion = "rnx_version"
        public static let dataSHA256 = "data_sha256"
        public static let library = "library"
        public static let sourceLibrary = "source_library"
        /// The `config.json` of a bare transformers-named file (no `save_pretrained` directory around it).
        public static let transformersConfig = "transformers_config"
    }
}
