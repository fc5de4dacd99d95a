import RNXArch

/// What `rnx convert` is asked to do besides reading and writing.
public struct ConvertOptions: Sendable {
    /// Insist on this named architecture (num_classes and in_channels still come from the file).
    public var arch: String?
    /// Changes to make on the way through, in the order given.
    public var adaptations: [Adaptation]
    /// Replace an existing output.
    public var force: Bool
    /// Written into the metadata as `rnx_version`.
    public var rnxVersion: String
    /// The output format; nil chooses it from the output's extension (`OutputFormat.forPath`).
    public var format: OutputFormat?
    /// Whose names to write (`--to`); nil keeps the input's. transformers writes a `save_pretrained` directory.
    public var library: ResNetConfig.Naming?
    /// Where a transformers Bottleneck strides, overriding `config.json` (`--stride-in`).
    public var strideIn: StrideIn?
    /// The output's class names (`--labels FILE`), one per classifier row after the adaptations; nil keeps the
    /// input's (recorded in a `.rnw`, given by a transformers config, or the defaults for its class count).
    public var labels: [String]?

    /// Options with the adaptations to apply; everything else defaults to what `rnx convert` does without flags.
    ///
    /// - Parameters:
    ///   - arch: ``arch``.
    ///   - adaptations: ``adaptations``.
    ///   - force: ``force``.
    ///   - rnxVersion: ``rnxVersion``, normally `RNXVersion.current`.
    ///   - format: ``format``.
    ///   - library: ``library``.
    ///   - strideIn: ``strideIn``.
    ///   - labels: ``labels``.
    public init(
        arch: String? = nil, adaptations: [Adaptation] = [], force: Bool = false, rnxVersion: String,
        format: OutputFormat? = nil, library: ResNetConfig.Naming? = nil, strideIn: StrideIn? = nil,
        labels: [String]? = nil
    ) {
        self.format = format
        self.library = library
        self.strideIn = strideIn
        self.arch = arch
        self.adaptations = adaptations
        self.labels = labels
        self.force = force
        self.rnxVersion = rnxVersion
    }
}
