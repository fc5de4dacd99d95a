import Foundation
import Testing

@testable import RNXForward

/// rnx's own CPU reading (CPUID, XGETBV) and its choice of OpenBLAS core over the library's model table.
struct KernelChoiceTests {
    // CPUID words of real CPUs, bit by bit (Intel SDM vol. 2A, CPUID leaves 1 and 7).
    static let leaf1AVXFMA: UInt32 = 1 << 0 | 1 << 9 | 1 << 12 | 1 << 19 | 1 << 20 | 1 << 27 | 1 << 28
    static let leaf7AVX2: UInt32 = 1 << 5
    static let leaf7AVX512: UInt32 = leaf7AVX2 | 1 << 16 | 1 << 17 | 1 << 28 | 1 << 30 | 1 << 31
    static let bf16: UInt32 = 1 << 5
    /// x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM.
    static let xcr0AVX512: UInt64 = 0b1110_0111
    static let xcr0AVX: UInt64 = 0b111

    static func cpu(leaf7: UInt32, subleaf1: UInt32 = 0, xcr0: UInt64) -> CPUFeatures {
        CPUFeatures(vendor: "GenuineIntel", brand: "  Intel(R) Xeon(R) Processor  ", leaf1ECX: leaf1AVXFMA,
                    leaf7EBX: leaf7, leaf7EDX: 0, leaf7Subleaf1EAX: subleaf1, xcr0: xcr0)
    }

    /// A Xeon with AVX-512 BF16 (the machine of issue 12): every AVX-512 feature usable, the brand trimmed.
    @Test func decodesAnAVX512Xeon() {
        let xeon = Self.cpu(leaf7: Self.leaf7AVX512, subleaf1: Self.bf16, xcr0: Self.xcr0AVX512)
        #expect(xeon.names == ["sse3", "ssse3", "sse4.1", "sse4.2", "avx", "fma", "avx2", "avx512f", "avx512dq",
                               "avx512cd", "avx512bw", "avx512vl", "avx512_bf16"])
        #expect(xeon.brand == "Intel(R) Xeon(R) Processor")
        #expect(OpenBLASCore.bestLevel(for: xeon) == 5)
    }

    /// CPUID says AVX-512 but the OS does not save the ZMM registers (XCR0 bits 5-7 clear): AVX2 is the best.
    @Test func avx512WithoutOSStateIsNotUsable() {
        let guest = Self.cpu(leaf7: Self.leaf7AVX512, subleaf1: Self.bf16, xcr0: Self.xcr0AVX)
        #expect(!guest.usable.contains(.avx512f))
        #expect(guest.usable.isSuperset(of: [.avx2, .fma]))
        #expect(OpenBLASCore.decide(picked: "Haswell", cpu: guest)
            == .keep(reason: "OpenBLAS picked Haswell, the best core for this CPU's features"))
    }

    /// Without OSXSAVE nothing past SSE counts, whatever XCR0 reads.
    @Test func noOSXSAVEMeansNoAVX() {
        let old = CPUFeatures(vendor: "GenuineIntel", brand: "", leaf1ECX: Self.leaf1AVXFMA & ~(1 << 27),
                              leaf7EBX: Self.leaf7AVX512, leaf7EDX: 0, leaf7Subleaf1EAX: 0, xcr0: Self.xcr0AVX512)
        #expect(old.names == ["sse3", "ssse3", "sse4.1", "sse4.2"])
        #expect(OpenBLASCore.bestLevel(for: old) == 0)
    }

    /// Debian's 0.3.21 on an unknown Xeon falls back to Prescott: rnx asks for the AVX-512 cores first.
    @Test func prescottOnAnAVX512XeonIsReplaced() {
        let xeon = Self.cpu(leaf7: Self.leaf7AVX512, subleaf1: Self.bf16, xcr0: Self.xcr0AVX512)
        guard case .force(let candidates, let reason) = OpenBLASCore.decide(picked: "Prescott", cpu: xeon) else {
            Issue.record("kept Prescott on an AVX-512 CPU")
            return
        }
        #expect(candidates == ["Cooperlake", "SkylakeX", "Haswell", "Sandybridge"])
        #expect(reason == "OpenBLAS's own detection picked Prescott; this CPU runs avx512f, avx512dq, avx512cd, "
            + "avx512bw, avx512vl, avx512_bf16")
    }

    /// Zen 5 without BF16 in the table: Haswell is replaced by SkylakeX only (no BF16, so no Cooperlake).
    @Test func haswellOnAVX512WithoutBF16IsReplacedBySkylakeX() {
        let cpu = Self.cpu(leaf7: Self.leaf7AVX512, xcr0: Self.xcr0AVX512)
        guard case .force(let candidates, _) = OpenBLASCore.decide(picked: "haswell", cpu: cpu) else {
            Issue.record("kept Haswell on an AVX-512 CPU")
            return
        }
        #expect(candidates == ["SkylakeX"])
    }

    /// A core the library knows and rnx does not (a newer OpenBLAS) is trusted; the best one is kept.
    @Test func unknownAndBestCoresAreKept() {
        let xeon = Self.cpu(leaf7: Self.leaf7AVX512, subleaf1: Self.bf16, xcr0: Self.xcr0AVX512)
        #expect(OpenBLASCore.decide(picked: "Zen5", cpu: xeon)
            == .keep(reason: "OpenBLAS picked Zen5, a core newer than rnx's list"))
        #expect(OpenBLASCore.decide(picked: "SapphireRapids", cpu: xeon)
            == .keep(reason: "OpenBLAS picked SapphireRapids, the best core for this CPU's features"))
        #expect(OpenBLASCore.decide(picked: "Cooperlake", cpu: xeon)
            == .keep(reason: "OpenBLAS picked Cooperlake, the best core for this CPU's features"))
    }

    /// The library as loaded on this machine: the core in use is never below what this CPU's features run, unless
    /// the user chose it with OPENBLAS_CORETYPE. (Before rnx chose, Debian's 0.3.21 ran Zen 5 on Haswell.)
    @Test func coreInUseIsNeverBelowWhatTheCPURuns() throws {
        let kernels = try BLAS.load().kernels
        #expect(kernels.library == "OpenBLAS")
        // The environment the test process started with: once any test has loaded OpenBLAS, rnx's own forced
        // core is in the live environment too (set before reloading), and that is not the user's choice.
        let initial = (try? String(contentsOfFile: "/proc/self/environ", encoding: .utf8))
            .map { $0.split(separator: "\0").contains { $0.hasPrefix("OPENBLAS_CORETYPE=") } }
        if initial ?? (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil) {
            #expect(kernels.chosenBy == .user, "\(kernels)")
            return
        }
        #expect(kernels.chosenBy != .user, "\(kernels)")
        let best = OpenBLASCore.bestLevel(for: CPUFeatures.current)
        // A core name rnx does not rank is a newer library's and is taken as at least as good.
        let inUse = OpenBLASCore.level(of: kernels.core) ?? Int.max
        #expect(inUse >= best, "core \(kernels.core) (level \(inUse)) below level \(best) of \(kernels.cpu.names)")
    }
}
