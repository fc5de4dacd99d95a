import Foundation
import RNXPickle
import RNXTestSupport
import Testing

/// SplitMix64: a small seeded generator, so every run mutates the same way.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Thousands of corrupted CPython pickles: the machine must return a well-formed result or throw a PickleError,
/// never trap, hang or allocate without bound.
@Suite struct PickleMutationTests {
    static func seeds() throws -> [[UInt8]] {
        let directory = Fixtures.path("pickles")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pkl") }.sorted()
        // The small ones: mutations of them explore the same opcodes faster.
        return try names.map { [UInt8](try Fixtures.data("pickles/" + $0)) }.filter { $0.count <= 4096 }
    }

    /// One random corruption: flipped bits, random bytes, a cut, a duplicated or deleted span, or an inserted opcode.
    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = [
            0x28, 0x2E, 0x30, 0x31, 0x32, 0x61, 0x62, 0x65, 0x68, 0x6A, 0x71, 0x72, 0x73, 0x75, 0x85, 0x86, 0x87, 0x90,
            0x91, 0x92, 0x93, 0x94, 0x52, 0x81, 0xFF, 0x00, 0x7F, 0x80,
        ]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.removeSubrange(at...)
            case 3:
                let end = min(bytes.count, at + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
            case 4: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
            case 5: bytes.insert(interesting[Int.random(in: 0..<interesting.count, using: &random)], at: at)
            default:
                // A length or index field set to an extreme.
                for offset in at..<min(bytes.count, at + 4) { bytes[offset] = 0xFF }
            }
        }
        return bytes
    }

    @Test func mutatedFixturesOnlyReturnOrThrowPickleError() throws {
        let seeds = try Self.seeds()
        try #require(seeds.count >= 50)
        var random = SplitMix64(seed: 0x726E_7870_6B6C)
        var loaded = 0, refused = 0
        var limits = PickleLimits.standard
        limits.maxObjects = 1 << 16  // still far above any fixture, so mutations reach this limit too
        for round in 0..<4000 {
            let bytes = Self.mutate(seeds[round % seeds.count], using: &random)
            let policy: GlobalPolicy = round % 2 == 0 ? .scanOnly : .allow([GlobalName(module: "collections", name: "OrderedDict")])
            do {
                let result = try Unpickler(policy: policy, limits: limits).run(bytes)
                loaded += 1
                #expect(result.endOffset <= bytes.count)
                #expect(Self.referencesAreValid(result))
                #expect(result.heap.render(result.root, limit: 300).count <= 303)
            } catch {
                // `run` throws only PickleError (typed throws); its message is one line with an offset in range.
                refused += 1
                #expect(!error.description.contains("\n"))
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
        // Both outcomes happen: the mutations neither all break nor all spare the pickles.
        #expect(loaded > 100 && refused > 1000)
    }

    /// Every ObjectID reachable from the root names an object of the heap (checked iteratively).
    static func referencesAreValid(_ result: PickleResult) -> Bool {
        var pending = [result.root]
        var seen = Set<Int>()
        while let value = pending.popLast() {
            guard case .object(let id) = value else { continue }
            guard id.index >= 0, id.index < result.heap.count else { return false }
            guard seen.insert(id.index).inserted else { continue }
            pending += result.heap.children(of: id)
        }
        return true
    }
}
