import Foundation
import RNXTensor
import RNXTestSupport
import Testing

/// Software f16/bf16 conversion against torch's `.half()` / `.bfloat16()` (fixtures/tensor/half-rounding.json).
struct HalfPrecisionTests {
    struct Reference: Decodable {
        let float32_bits: [UInt32]
        let float16_bits: [UInt16]
        let bfloat16_bits: [UInt16]
        let float16_widened_bits: [UInt32]
        let bfloat16_widened_bits: [UInt32]
    }

    static let reference: Reference? = try? JSONDecoder().decode(
        Reference.self, from: Fixtures.data("tensor/half-rounding.json"))

    @Test func roundsToFloat16AsTorchDoes() throws {
        let reference = try #require(Self.reference)
        for (index, bits) in reference.float32_bits.enumerated() {
            let value = Float(bitPattern: bits)
            let half = Float16Bits.fromFloat(value)
            if value.isNaN {
                #expect(Float16Bits.toFloat(half).isNaN)
            } else {
                #expect(half == reference.float16_bits[index], "f16 of \(value)")
                #expect(Float16Bits.toFloat(half).bitPattern == reference.float16_widened_bits[index], "widen \(value)")
            }
        }
    }

    @Test func roundsToBFloat16AsTorchDoes() throws {
        let reference = try #require(Self.reference)
        for (index, bits) in reference.float32_bits.enumerated() {
            let value = Float(bitPattern: bits)
            let bf = BFloat16Bits.fromFloat(value)
            if value.isNaN {
                #expect(Float(bitPattern: UInt32(bf) << 16).isNaN)
            } else {
                #expect(bf == reference.bfloat16_bits[index], "bf16 of \(value)")
                #expect(UInt32(bf) << 16 == reference.bfloat16_widened_bits[index])
            }
        }
    }

    @Test func tensorConversionRoundTripsThroughEveryFloatType() throws {
        let reference = try #require(Self.reference)
        let values = reference.float32_bits.prefix(20).map { Float(bitPattern: $0) }.filter { !$0.isNaN }
        let tensor = try Tensor(floats: values, shape: [values.count])
        let half = try tensor.converted(to: .float16)
        #expect(half.dtype == .float16)
        #expect(half.bytes.count == values.count * 2)
        let widened = try half.converted(to: .float32).floats()
        for (index, value) in values.enumerated() {
            #expect(widened[index] == Float16Bits.toFloat(Float16Bits.fromFloat(value)))
        }
        let double = try tensor.converted(to: .float64)
        #expect(double.floats() == values)
    }
}
