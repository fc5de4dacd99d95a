/// Numbers as the reports print them.
extension Int {
    /// The number with a separator every three digits: `11,689,512`.
    ///
    /// - Parameter separator: the text between groups, `,` as torchinfo prints it.
    public func formatted(groupingSeparator separator: String) -> String {
        let digits = String(magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return self < 0 ? "-" + result : result
    }
}
