import Foundation

/// A conversion of one checkpoint into `.rnw`, with the adaptations to apply: what `rnx convert` does.
///
/// Writing streams one tensor at a time (memory for one tensor, not the model), to a temporary file in the
/// destination's folder that is synced and moved into place only when everything succeeded, so a failure never
/// leaves a partial output. The library reports progress through the callback and never prints.
///
/// ```swift
/// var conversion = Conversion(from: URL(fileURLWithPath: "resnet50-0676ba61.pth"))
/// conversion.adaptations = [.numClasses(10), .dtype(.float16)]
/// let report = try conversion.write(to: URL(fileURLWithPath: "resnet50-10.rnw")) { progress in
///     print("\(Int(progress.fractionCompleted * 100))%")
/// }
/// ```
public struct Conversion: Sendable {
    /// The checkpoint to read (any format ``RNXCheckpoint/Checkpoint/init(contentsOf:limits:)`` opens).
    public var source: URL
    /// Insist on this architecture instead of detecting it.
    public var architecture: String?
    /// Applied in order: ``/RNXArch/Adaptation/numClasses(_:rowInit:seed:)``, ``/RNXArch/Adaptation/classes(_:)``,
    /// ``/RNXArch/Adaptation/inChannels(_:)``, ``/RNXArch/Adaptation/dtype(_:)``.
    public var adaptations: [Adaptation]
    /// Bounds on the source's pickle.
    public var limits: PickleLimits

    /// A conversion of `source` with `adaptations`; nothing is read until ``write(to:replacingExisting:progress:)``.
    ///
    /// - Parameters:
    ///   - source: a file URL of the checkpoint.
    ///   - architecture: insist on this architecture instead of detecting it.
    ///   - adaptations: the changes to make, applied in order.
    ///   - limits: bounds on the source's pickle.
    public init(
        from source: URL, architecture: String? = nil, adaptations: [Adaptation] = [],
        limits: PickleLimits = .standard
    ) {
        self.source = source
        self.architecture = architecture
        self.adaptations = adaptations
        self.limits = limits
    }

    /// Writes the `.rnw` file at `destination` and says what was done.
    ///
    /// - Parameters:
    ///   - destination: a file URL for the `.rnw` output.
    ///   - replacingExisting: replace a file already at `destination` (never the source itself).
    ///   - progress: called after each tensor, on the calling thread.
    /// - Throws: ``/RNXConvert/ConvertError`` (the output exists, cannot be created, the disk is full), and the readers' and
    ///   mapping's errors for the source.
    @discardableResult
    public func write(
        to destination: URL, replacingExisting: Bool = false,
        progress: ((ConversionProgress) -> Void)? = nil
    ) throws -> ConvertReport {
        for url in [source, destination] where !url.isFileURL {
            throw CheckpointError.cannotOpen(reason: "\(url.absoluteString) is not a file URL")
        }
        let options = ConvertOptions(
            arch: architecture, adaptations: adaptations, force: replacingExisting, rnxVersion: RNXVersion.current)
        try Converter.checkOutput(destination.path, input: source.path, force: replacingExisting)
        let checkpoint = try Checkpoint.open(path: source.path, limits: limits)
        return try Converter.convert(
            checkpoint, input: source.path, output: destination.path, options: options,
            progress: progress.map { report in { done, total in report(ConversionProgress(bytesCompleted: done, totalBytes: total)) } })
    }
}

/// How far a ``Conversion`` has got, in bytes of tensor data.
public struct ConversionProgress: Sendable, Equatable {
    /// Bytes of tensor data written so far.
    public let bytesCompleted: Int
    /// Bytes of tensor data in all.
    public let totalBytes: Int

    /// `bytesCompleted / totalBytes`, between 0 and 1 (1 for an empty model).
    public var fractionCompleted: Double {
        totalBytes > 0 ? min(max(Double(bytesCompleted) / Double(totalBytes), 0), 1) : 1
    }
}
