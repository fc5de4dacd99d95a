import Foundation
import RNXTestSupport
import Testing

/// `rnx bench` and `rnx validate` say which engine ran, `RNX_ENGINE` chooses it, and the oneDNN engine gives
/// PyTorch's logits for the real CIFAR ResNet-20 (option-A shortcuts) under every instruction set this CPU has.
struct EngineReportTests {
    let input = Fixtures.path("forward/input-cifar.npy")
    let real = Fixtures.path("real/resnet20-12fca82f.th")
    let realLogits = Fixtures.path("real/resnet20-12fca82f.logits.npy")

    static func object(_ result: RNXProcess.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
    }

    static func engine(_ result: RNXProcess.Result) throws -> [String: Any] {
        try #require(try object(result)["engine"] as? [String: Any], "\(result)")
    }

    /// By default oneDNN runs, chosen by rnx, in strict FP32; the text report has the engine line.
    @Test func benchReportsOneDNN() throws {
        let json = try RNXProcess.run(["bench", "resnet18", "--size", "64", "--iterations", "1", "--json"],
                                      environment: ["RNX_ENGINE": nil, "ONEDNN_MAX_CPU_ISA": nil])
        #expect(json.status == 0, "\(json)")
        let engine = try Self.engine(json)
        #expect(engine["library"] as? String == "oneDNN", "\(engine)")
        #expect((engine["version"] as? String)?.first?.isNumber == true, "\(engine)")
        #expect(engine["fpmath"] as? String == "strict", "\(engine)")
        #expect(engine["chosen_by"] as? String == "rnx", "\(engine)")
        #expect((engine["isa"] as? String)?.isEmpty == false, "\(engine)")
        let text = try RNXProcess.run(["bench", "resnet18", "--size", "64", "--iterations", "1"],
                                      environment: ["RNX_ENGINE": nil])
        #expect(text.stdout.contains("\nengine: oneDNN "), "\(text)")
        #expect(text.stdout.contains(", fp32 strict, chosen by rnx: "), "\(text)")
    }

    /// RNX_ENGINE=openblas runs OpenBLAS, reported as the user's choice, with the same logits.
    @Test func openBLASOnRequest() throws {
        let result = try RNXProcess.run(["validate", real, "--input", input, "--expect", realLogits, "--json"],
                                        environment: ["RNX_ENGINE": "openblas"])
        #expect(result.status == 0, "\(result)")
        let engine = try Self.engine(result)
        #expect(engine["library"] as? String == "OpenBLAS", "\(engine)")
        #expect(engine["chosen_by"] as? String == "user", "\(engine)")
        #expect(engine["reason"] as? String == "engine openblas asked for", "\(engine)")
    }

    /// Each oneDNN instruction set this CPU runs (capped with ONEDNN_MAX_CPU_ISA) gives torch's logits within 1e-4
    /// and is the one reported.
    @Test(arguments: [("SSE41", "sse41", ["sse4.1"]), ("AVX", "avx", ["avx"]), ("AVX2", "avx2", ["avx2", "fma"]),
                      ("AVX512_CORE", "avx512_core", ["avx512f", "avx512dq", "avx512bw", "avx512vl"]),
                      ("ALL", "", [])])
    func everyISAGivesTorchLogits(cap: String, isa: String, needs: [String]) throws {
        let probe = try RNXProcess.run(["bench", "resnet20", "--iterations", "1", "--json"])
        let features = try #require(try Self.object(probe)["blas"] as? [String: Any])["cpu_features"] as? [String] ?? []
        guard Set(needs).isSubset(of: features) else { return }
        let result = try RNXProcess.run(["validate", real, "--input", input, "--expect", realLogits, "--json"],
                                        environment: ["ONEDNN_MAX_CPU_ISA": cap, "RNX_ENGINE": "onednn"])
        #expect(result.status == 0, "\(cap): \(result)")
        #expect((try Self.object(result)["relative_error"] as? Double).map { $0 <= 1e-4 } == true, "\(cap): \(result)")
        let engine = try Self.engine(result)
        #expect(engine["library"] as? String == "oneDNN", "\(engine)")
        if !isa.isEmpty { #expect(engine["isa"] as? String == isa, "\(cap): \(engine)") }
    }
}
