// Number, string and shape formatting shared by the validation and benchmark reports.

extension Double {
    var scientific: String { isFinite ? String(format: "%.3e", self) : "inf" }
    /// JSON has no infinity; a non-finite figure is written as null.
    var jsonNumber: String { isFinite ? String(format: "%.9g", self) : "null" }
}

extension Array where Element == Int {
    var shapeText: String { map(String.init).joined(separator: "x") }
}
