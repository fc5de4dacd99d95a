/// Fixed-width columns for the text reports.
///
/// Widths count Unicode scalars, as Python's `len` does: the summary tables reproduce torchinfo's and
/// torchsummary's `f"{s:<width}"` / `f"{s:>width}"` byte for byte, tree glyphs (`├─`, `└─`) included.
extension String {
    /// The string padded with spaces on the right to at least `width` characters (`f"{s:<width}"`).
    ///
    /// - Parameter width: the column width in Unicode scalars.
    public func padded(to width: Int) -> String {
        let count = unicodeScalars.count
        return count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The string padded with spaces on the left to at least `width` characters (`f"{s:>width}"`).
    ///
    /// - Parameter width: the column width in Unicode scalars.
    public func leftPadded(to width: Int) -> String {
        let count = unicodeScalars.count
        return count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
