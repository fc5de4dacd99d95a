/// A height and width: kernels, strides, receptive fields and jumps, which are square except after a global pool
/// over a non-square map.
public struct Extent: Hashable, Sendable, CustomStringConvertible {
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int

    /// An extent of `height` rows and `width` columns.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// A square extent, as every ResNet kernel and stride is.
    public init(square side: Int) { self.init(side, side) }

    /// `7` when square, `7x5` otherwise.
    public var description: String { height == width ? "\(height)" : "\(height)x\(width)" }
}
