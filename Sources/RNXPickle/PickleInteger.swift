/// Conversions between Python integers as pickles store them (decimal text, little-endian two's complement bytes)
/// and `PickleValue`.
///
/// Decimal text is limited to 4300 digits, the limit CPython (3.11 and later) itself applies to `int(str)`, which keeps
/// the quadratic conversion to microseconds.
public enum PickleInteger {
    /// The most decimal digits accepted or printed.
    public static let maxDecimalDigits = 4300

    /// The value of little-endian two's complement bytes (LONG1, LONG4): `.int` when it fits 64 bits, else the
    /// shortest `.bigInt` bytes.
    public static func twosComplement<C: BidirectionalCollection>(_ bytes: C) -> PickleValue where C.Element == UInt8 {
        var trimmed = Array(bytes)
        // Drop sign-extension bytes the value does not need, so equal values have equal bytes.
        while trimmed.count > 1 {
            let last = trimmed[trimmed.count - 1], previousHigh = trimmed[trimmed.count - 2] & 0x80
            guard (last == 0 && previousHigh == 0) || (last == 0xFF && previousHigh != 0) else { break }
            trimmed.removeLast()
        }
        if trimmed.isEmpty { return .int(0) }
        if trimmed.count <= 8 {
            var value: UInt64 = trimmed[trimmed.count - 1] & 0x80 != 0 ? UInt64.max : 0
            for (index, byte) in trimmed.enumerated() {
                value &= ~(UInt64(0xFF) << (8 * UInt64(index)))
                value |= UInt64(byte) << (8 * UInt64(index))
            }
            return .int(Int64(bitPattern: value))
        }
        return .bigInt(trimmed)
    }

    /// The value of decimal text with an optional sign (INT, LONG), or nil if it is not plain decimal or too long.
    public static func decimal<C: Collection>(_ text: C) -> PickleValue? where C.Element == UInt8 {
        var digits = text[...]
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= maxDecimalDigits,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        // Python 3 refuses leading zeros in decimal literals ("010" is not ten).
        if digits.count > 1, digits.first == UInt8(ascii: "0") { return nil }
        var limbs: [UInt32] = []  // magnitude, little-endian base 2^32
        var chunk: UInt64 = 0, chunkScale: UInt64 = 1
        func flush() {
            var carry = chunk
            for index in limbs.indices {
                let product = UInt64(limbs[index]) * chunkScale + carry
                limbs[index] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            while carry != 0 {
                limbs.append(UInt32(truncatingIfNeeded: carry))
                carry >>= 32
            }
        }
        for digit in digits {
            chunk = chunk * 10 + UInt64(digit - UInt8(ascii: "0"))
            chunkScale *= 10
            if chunkScale == 1_000_000_000 {
                flush()
                chunk = 0
                chunkScale = 1
            }
        }
        if chunkScale > 1 { flush() }
        return twosComplement(fromMagnitude: limbs, negative: negative)
    }

    /// Two's complement bytes of a sign and magnitude.
    static func twosComplement(fromMagnitude limbs: [UInt32], negative: Bool) -> PickleValue {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limbs.count * 4 + 1)
        for limb in limbs {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: limb >> UInt32(shift))) }
        }
        bytes.append(0)  // room for the sign bit
        if negative { negate(&bytes) }
        return twosComplement(bytes)
    }

    /// Negates little-endian two's complement bytes in place (invert, add one).
    static func negate(_ bytes: inout [UInt8]) {
        var carry = true
        for index in bytes.indices {
            let (sum, overflow) = (~bytes[index]).addingReportingOverflow(carry ? 1 : 0)
            bytes[index] = sum
            carry = carry && overflow
        }
    }

    /// The decimal text of two's complement bytes, as Python's `str(int)` prints it, or nil past `maxDecimalDigits`.
    public static func decimalString(_ bytes: [UInt8]) -> String? {
        guard let last = bytes.last else { return "0" }
        let negative = last & 0x80 != 0
        var magnitude = bytes
        if negative { negate(&magnitude) }
        // A decimal digit carries log2(10) > 3.3 bits, so this bounds the digits from above before any work.
        guard magnitude.count <= maxDecimalDigits * 10 / 24 + 1 else { return nil }
        var limbs: [UInt32] = stride(from: 0, to: magnitude.count, by: 4).map { start in
            var limb: UInt32 = 0
            for offset in 0..<4 where start + offset < magnitude.count {
                limb |= UInt32(magnitude[start + offset]) << UInt32(8 * offset)
            }
            return limb
        }
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while let top = limbs.last {
            if top == 0 {
                limbs.removeLast()
                continue
            }
            var remainder: UInt64 = 0
            for index in limbs.indices.reversed() {
                let current = remainder << 32 | UInt64(limbs[index])
                limbs[index] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        guard let most = chunks.last else { return "0" }
        var text = negative ? "-" : ""
        text += String(most)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text.count - (negative ? 1 : 0) <= maxDecimalDigits ? text : nil
    }
}
