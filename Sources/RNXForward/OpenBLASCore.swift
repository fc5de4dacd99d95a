/// OpenBLAS's x86-64 kernel sets (the names `OPENBLAS_CORETYPE` takes), ranked by the instructions they use, and
/// which one rnx asks for.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's is) picks a core as it loads by looking the CPU's family and model
/// up in a table. A CPU newer than the library, or a virtual machine that hides the model, falls through to a
/// lesser core: Debian's 0.3.21 runs Zen 5 on `Haswell` (AVX2, 50 GFLOP/s per core here against `SkylakeX`'s
/// 88) and a 2026 Xeon on `Prescott` (SSE3, 4× slower). rnx reads the CPU's features itself (`CPUFeatures`) and,
/// when the library picked a core below the best these features run, reloads it with that core forced.
public enum OpenBLASCore {
    /// A core rnx may force, with the features its kernels need.
    struct Candidate: Sendable {
        let name: String
        let level: Int
        let needs: Set<CPUFeatures.Feature>
    }

    private static let avx512: Set<CPUFeatures.Feature> = [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl]

    /// Best first. `SapphireRapids` is not forced: its extra is AMX for bf16 GEMMs, which the forward pass never
    /// calls, and Linux hands out AMX state only on request; its sgemm is `SkylakeX`'s. `Cooperlake` is `SkylakeX`
    /// plus AVX-512 BF16 kernels (its sgemm is the same); asking for it costs nothing where it is not known.
    static let candidates: [Candidate] = [
        Candidate(name: "Cooperlake", level: 5, needs: avx512.union([.avx512bf16])),
        Candidate(name: "SkylakeX", level: 4, needs: avx512),
        Candidate(name: "Haswell", level: 3, needs: [.avx2, .fma]),
        Candidate(name: "Sandybridge", level: 2, needs: [.avx]),
    ]

    /// Every x86-64 core name OpenBLAS reports (`openblas_get_corename`), lower-cased, by the widest instructions its
    /// sgemm uses: 6 AMX, 5 AVX-512 + BF16, 4 AVX-512, 3 AVX2 + FMA, 2 AVX, 1 SSE4.2, 0 SSE3 and older.
    static let levels: [String: Int] = [
        "sapphirerapids": 6, "cooperlake": 5, "skylakex": 4, "haswell": 3, "zen": 3,
        "sandybridge": 2, "bulldozer": 2, "piledriver": 2, "steamroller": 2, "excavator": 2,
        "nehalem": 1, "barcelona": 1,
        "prescott": 0, "core2": 0, "penryn": 0, "dunnington": 0, "atom": 0, "nano": 0, "bobcat": 0,
        "opteron": 0, "opteron_sse3": 0, "athlon": 0, "northwood": 0, "coppermine": 0, "katmai": 0, "banias": 0,
    ]

    /// The rank of a core name, or nil for a name rnx does not know (a newer library's core: trusted as it is).
    public static func level(of core: String) -> Int? { levels[core.lowercased()] }

    /// The best rank of a core that `cpu`'s features run (0 when none of the candidates fits).
    public static func bestLevel(for cpu: CPUFeatures) -> Int {
        candidates.first { $0.needs.isSubset(of: cpu.usable) }?.level ?? 0
    }

    /// What rnx does about the core the library picked by itself.
    enum Decision: Equatable {
        /// Keep it: the reason says why.
        case keep(reason: String)
        /// Reload the library with each of these forced in turn, best first, until one takes.
        case force(candidates: [String], reason: String)
    }

    /// Whether to replace `picked` (the library's own choice) on `cpu`.
    static func decide(picked: String, cpu: CPUFeatures) -> Decision {
        guard let pickedLevel = level(of: picked) else {
            return .keep(reason: "OpenBLAS picked \(picked), a core newer than rnx's list")
        }
        let better = candidates.filter { $0.level > pickedLevel && $0.needs.isSubset(of: cpu.usable) }
        guard let best = better.first else {
            return .keep(reason: "OpenBLAS picked \(picked), the best core for this CPU's features")
        }
        let shown = best.needs.sorted().map(\.rawValue).joined(separator: ", ")
        return .force(candidates: better.map(\.name),
                      reason: "OpenBLAS's own detection picked \(picked); this CPU runs \(shown)")
    }
}
