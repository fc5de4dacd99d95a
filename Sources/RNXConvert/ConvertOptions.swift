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
    /// The output's class names (`--labels FILE`), one per classifier row after the adaptations; nil keeps the
    /// input's (recorded in a `.rnw`, or the defaults for its class count) through the adaptations.
    public var labels: [String]?

    public init(
        arch: String? = nil, adaptations: [Adaptation] = [], force: Bool = false, rnxVersion: String,
        labels: [String]? = nil
    ) {
        self.arch = arch
        self.adaptations = adaptations
        self.labels = labels
        self.force = force
        self.rnxVersion = rnxVersion
    }
}
