/// The input a summary assumes: batch × channels × height × width.
public struct SummaryInput: Hashable, Sendable {
    /// Images per batch (N); torchinfo's mult-adds and sizes scale with it.
    public var batchSize: Int
    /// Input channels (C).
    public var channels: Int
    /// Height in pixels (H).
    public var height: Int
    /// Width in pixels (W).
    public var width: Int

    /// An input of `batchSize` images of `channels` × `height` × `width`.
    public init(batchSize: Int = 1, channels: Int, height: Int, width: Int) {
        self.batchSize = batchSize
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// `3x224x224`, as `--input-size` takes it.
    public var description: String { "\(channels)x\(height)x\(width)" }

    /// Parses `CxHxW` or `HxW` (channels then nil).
    public static func parse(_ text: String) throws -> (channels: Int?, height: Int, width: Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ReportError.invalidInputSize(text)
        }
        let values = parts.compactMap { $0 }
        return values.count == 3 ? (values[0], values[1], values[2]) : (nil, values[0], values[1])
    }
}
