import Foundation
import RNXTestSupport
import Testing

/// `rnx bench` and `rnx validate` say which BLAS kernels ran and who chose them, and every OpenBLAS core this CPU
/// runs gives PyTorch's logits.
struct KernelReportTests {
    let input = Fixtures.path("forward/input-cifar.npy")
    let tiny = Fixtures.path("safetensors/cifar-tiny.safetensors")
    let tinyLogits = Fixtures.path("forward/cifar-tiny.logits.npy")

    static func blas(_ result: RNXProcess.Result) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(object["blas"] as? [String: Any], "\(result)")
    }

    /// Without OPENBLAS_CORETYPE, the library's pick or rnx's, never "user"; the CPU's features are listed.
    @Test func benchJSONNamesTheKernels() throws {
        let result = try RNXProcess.run(["bench", "resnet20", "--iterations", "1", "--json"],
                                        environment: ["OPENBLAS_CORETYPE": nil])
        #expect(result.status == 0, "\(result)")
        let blas = try Self.blas(result)
        #expect(blas["library"] as? String == "OpenBLAS")
        #expect((blas["version"] as? String)?.first?.isNumber == true, "\(blas)")
        #expect(["rnx", "library"].contains(blas["chosen_by"] as? String), "\(blas)")
        #expect((blas["core"] as? String)?.isEmpty == false, "\(blas)")
        #expect(blas["cpu_features"] is [String], "\(blas)")
    }

    /// A user's OPENBLAS_CORETYPE wins, and the text report says so.
    @Test func userCoreWinsAndIsReported() throws {
        let result = try RNXProcess.run(["bench", "resnet20", "--iterations", "1"],
                                        environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("blas: OpenBLAS "), "\(result)")
        #expect(result.stdout.contains(", core Prescott, chosen by user: OPENBLAS_CORETYPE=Prescott\n"), "\(result)")
        #expect(result.stdout.contains("\ncpu: "), "\(result)")
    }

    /// Each core this CPU can run (by the features rnx reports) gives torch's logits within 1e-4, and is the
    /// core reported.
    @Test(arguments: [("Prescott", [String]()), ("Nehalem", ["sse4.2"]), ("Sandybridge", ["avx"]),
                      ("Haswell", ["avx2", "fma"]), ("Zen", ["avx2", "fma"]),
                      ("SkylakeX", ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]),
                      ("Cooperlake", ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512_bf16"])])
    func everyCoreGivesTorchLogits(core: String, needs: [String]) throws {
        let probe = try RNXProcess.run(["bench", "resnet20", "--iterations", "1", "--json"],
                                       environment: ["OPENBLAS_CORETYPE": nil])
        let features = try Self.blas(probe)["cpu_features"] as? [String] ?? []
        guard Set(needs).isSubset(of: features) else { return }
        let result = try RNXProcess.run(["validate", tiny, "--input", input, "--expect", tinyLogits, "--json"],
                                        environment: ["OPENBLAS_CORETYPE": core])
        #expect(result.status == 0, "\(core): \(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["relative_error"] as? Double).map { $0 <= 1e-4 } == true, "\(core): \(result)")
        let blas = try Self.blas(result)
        #expect(blas["core"] as? String == core, "\(blas)")
        #expect(blas["chosen_by"] as? String == "user", "\(blas)")
    }
}
