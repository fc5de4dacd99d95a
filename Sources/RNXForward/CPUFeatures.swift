import CCPUID

/// What this CPU can run and its OS has enabled, read with CPUID and XGETBV rather than from a library's model table.
///
/// A feature counts only when the CPU has it *and* the OS saves its registers across context switches (XCR0): a
/// hypervisor may show AVX-512 in CPUID while the guest kernel leaves the ZMM state off, and then the instructions
/// fault. The model and family are not used at all, so a CPU newer than every table is judged by what it does.
public struct CPUFeatures: Sendable, Equatable {
    /// The instruction sets that decide which BLAS kernels can run.
    public enum Feature: String, Sendable, CaseIterable, Comparable {
        /// SSE3.
        case sse3
        /// Supplemental SSE3.
        case ssse3
        /// SSE4.1.
        case sse41 = "sse4.1"
        /// SSE4.2.
        case sse42 = "sse4.2"
        /// AVX: 256-bit vectors, usable only when the OS saves the YMM state.
        case avx
        /// Fused multiply-add (FMA3).
        case fma
        /// AVX2: 256-bit integer vectors; with FMA, what OpenBLAS's Haswell kernels need.
        case avx2
        /// AVX-512 Foundation, usable only when the OS saves the ZMM and opmask state.
        case avx512f
        /// AVX-512 doubleword and quadword instructions.
        case avx512dq
        /// AVX-512 conflict detection.
        case avx512cd
        /// AVX-512 byte and word instructions.
        case avx512bw
        /// AVX-512 on 128- and 256-bit vectors; with F, DQ, CD and BW, what OpenBLAS's SkylakeX kernels need.
        case avx512vl
        /// AVX-512 bfloat16 dot products (OpenBLAS's Cooperlake kernels).
        case avx512bf16 = "avx512_bf16"
        /// AMX tile registers, usable only when the OS has enabled the tile state.
        case amxTile = "amx_tile"
        /// AMX bfloat16 tile multiplies (OpenBLAS's SapphireRapids kernels).
        case amxBF16 = "amx_bf16"

        /// Orders features as `allCases` lists them (oldest extension first), so reports list them the same way every time.
        public static func < (a: Feature, b: Feature) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// `GenuineIntel`, `AuthenticAMD`, ..., or empty off x86.
    public let vendor: String
    /// The brand string (`AMD EPYC`, `Intel(R) Xeon(R) Processor`), or empty.
    public let brand: String
    /// Features the CPU has and the OS has enabled.
    public let usable: Set<Feature>

    /// The CPU this process runs on.
    public static let current: CPUFeatures = {
        var words = rnx_cpuid_words()
        rnx_cpuid_read(&words)
        return CPUFeatures(words: words)
    }()

    /// Decodes the raw words (`cpuid_shim.h`).
    init(words: rnx_cpuid_words) {
        var words = words
        let vendor = withUnsafeBytes(of: &words.vendor) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let brand = withUnsafeBytes(of: &words.brand) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        self.init(vendor: vendor, brand: brand, leaf1ECX: words.leaf1ECX, leaf7EBX: words.leaf7EBX,
                  leaf7EDX: words.leaf7EDX, leaf7Subleaf1EAX: words.leaf7s1EAX, xcr0: words.xcr0)
    }

    /// Decodes CPUID leaf 1 ECX, leaf 7 EBX/EDX, leaf 7 subleaf 1 EAX and XCR0 (Intel SDM vol. 2A, CPUID; vol. 1,
    /// 13.3 for the XCR0 state components).
    init(vendor: String, brand: String, leaf1ECX: UInt32, leaf7EBX: UInt32, leaf7EDX: UInt32,
         leaf7Subleaf1EAX: UInt32, xcr0: UInt64) {
        func bit(_ word: UInt32, _ n: Int) -> Bool { word & (1 << n) != 0 }
        let osxsave = bit(leaf1ECX, 27)
        // XMM and YMM state (bits 1, 2); opmask, upper ZMM0-15 and ZMM16-31 (5, 6, 7); AMX tile config and data (17, 18).
        let ymm = osxsave && xcr0 & 0b110 == 0b110
        let zmm = ymm && xcr0 & 0b1110_0000 == 0b1110_0000
        let tiles = osxsave && xcr0 & (0b11 << 17) == 0b11 << 17
        var usable: Set<Feature> = []
        let checks: [(Feature, Bool)] = [
            (.sse3, bit(leaf1ECX, 0)), (.ssse3, bit(leaf1ECX, 9)), (.sse41, bit(leaf1ECX, 19)),
            (.sse42, bit(leaf1ECX, 20)),
            (.avx, ymm && bit(leaf1ECX, 28)), (.fma, ymm && bit(leaf1ECX, 12)), (.avx2, ymm && bit(leaf7EBX, 5)),
            (.avx512f, zmm && bit(leaf7EBX, 16)), (.avx512dq, zmm && bit(leaf7EBX, 17)),
            (.avx512cd, zmm && bit(leaf7EBX, 28)), (.avx512bw, zmm && bit(leaf7EBX, 30)),
            (.avx512vl, zmm && bit(leaf7EBX, 31)), (.avx512bf16, zmm && bit(leaf7Subleaf1EAX, 5)),
            (.amxTile, tiles && bit(leaf7EDX, 24)), (.amxBF16, tiles && bit(leaf7EDX, 22)),
        ]
        for (feature, present) in checks where present { usable.insert(feature) }
        self.vendor = vendor
        self.brand = brand.trimmingSpaces
        self.usable = usable
    }

    /// The usable features by name, in a fixed order.
    public var names: [String] { usable.sorted().map(\.rawValue) }
}

extension String {
    /// Without leading and trailing spaces (brand strings are padded).
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
