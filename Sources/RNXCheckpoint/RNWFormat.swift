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
    /// The value of the `format` key, which tells an `.rnw` from any other safetensors file.
    public static let formatName = "rnw"
    /// The value of `format_version`; raised only when a reader of the current version could misread a new file.
    public static let version = "1"

    /// The metadata keys, as the type's description lists them.
    public enum Key {
        /// `rnw` (``formatName``).
        public static let format = "format"
        /// ``version``.
        public static let formatVersion = "format_version"
        /// The canonical name (`resnet50`, `resnet20-b`) or `custom`.
        public static let architecture = "architecture"
        /// The full configuration as JSON, enough to rebuild the module tree without the name.
        public static let config = "config"
        /// Classifier rows, in decimal.
        public static let numClasses = "num_classes"
        /// Input channels, in decimal.
        public static let inChannels = "in_channels"
        /// The input's base name (never its folder, which may be private).
        public static let sourceFile = "source_file"
        /// The input's container format (`zip`, `legacy`, `safetensors`, ...).
        public static let sourceFormat = "source_format"
        /// SHA-256 of the whole input file, so `rnx verify` can tie the file to its source.
        public static let sourceSHA256 = "source_sha256"
        /// The adaptations as a JSON array of human-readable lines.
        public static let adaptations = "adaptations"
        /// The adaptations as a machine-readable JSON array, which `rnx validate --against` re-applies to the source.
        public static let adaptationSpec = "adaptation_spec"
        /// The same key as `ClassLabels.metadataKey` (RNXArch reads it from the metadata dictionary).
        public static let labels = "labels"
        /// The rnx release that wrote the file.
        public static let rnxVersion = "rnx_version"
        /// SHA-256 of every byte after the header: the tensors' data.
        public static let dataSHA256 = "data_sha256"
        /// Whose names the tensors use (`torchvision`, `timm`, `transformers`); written when the output or the input
        /// is not torchvision's.
        public static let library = "library"
        /// Whose names the input used; written with ``library``.
        public static let sourceLibrary = "source_library"
        /// The `config.json` of a bare transformers-named file (no `save_pretrained` directory around it).
        public static let transformersConfig = "transformers_config"
    }
}
