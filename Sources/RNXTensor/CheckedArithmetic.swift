/// Overflow-checked products for sizes read from files.
///
/// Sizes in checkpoints are hostile input: a product that overflows must become an error, never a trap.
public enum CheckedArithmetic {
    /// The product of `values`, or nil if any factor is negative or the product overflows `Int`.
    public static func product(_ values: [Int]) -> Int? {
        var result = 1
        for value in values {
            guard value >= 0 else { return nil }
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// `a * b`, or nil on overflow.
    public static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : value
    }

    /// `a + b`, or nil on overflow.
    public static func add(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }
}
