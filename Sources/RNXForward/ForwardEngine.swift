#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The library that runs a forward pass's convolutions.
public enum ForwardEngine: String, Sendable, CaseIterable {
    /// oneDNN where it can run the model, else OpenBLAS.
    case automatic = "auto"
    /// oneDNN's primitives (`OneDNNPlan`); a model oneDNN refuses fails with `engineFailure`.
    case onednn
    /// rnx's im2col and OpenBLAS's sgemm.
    case openblas

    /// `RNX_ENGINE` (`auto`, `onednn`, `openblas`), else `automatic`; an unknown value counts as `automatic`.
    public static var fromEnvironment: ForwardEngine {
        getenv("RNX_ENGINE").flatMap { ForwardEngine(rawValue: String(cString: $0).lowercased()) } ?? .automatic
    }
}

/// Which engine a plan runs on and why: what `rnx bench` and `rnx validate` report beside the BLAS kernels.
public struct EngineReport: Sendable, Equatable {
    /// `oneDNN` or `OpenBLAS`.
    public let library: String
    /// The library's version, `2.6.3` (oneDNN) or `0.3.21` (OpenBLAS).
    public let version: String
    /// The instruction set oneDNN dispatches to (`avx512_core_amx`), or OpenBLAS's core (`SkylakeX`).
    public let isa: String
    /// `rnx` (the automatic choice) or `user` (`RNX_ENGINE` or the API's `engine:`).
    public let chosenBy: String
    /// One clause on why this engine.
    public let reason: String

    /// `engine: oneDNN 2.6.3, isa avx512_core_amx, fp32 strict, chosen by rnx: <reason>`.
    public var text: String {
        "engine: \(library) \(version), \(library == "oneDNN" ? "isa" : "core") \(isa), fp32 strict, "
            + "chosen by \(chosenBy): \(reason)"
    }

    /// The `"engine"` object of the JSON reports.
    public var json: String {
        let fields = [
            "\"library\":\(library.jsonQuoted)", "\"version\":\(version.jsonQuoted)", "\"isa\":\(isa.jsonQuoted)",
            "\"fpmath\":\"strict\"", "\"chosen_by\":\(chosenBy.jsonQuoted)", "\"reason\":\(reason.jsonQuoted)",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}

extension ForwardPlan {
    /// Makes the oneDNN pass when `choice` allows and oneDNN takes the model; nil and an OpenBLAS report otherwise
    /// (automatic choice only: asked for by name, oneDNN's failure is the error).
    static func chooseEngine(
        _ choice: ForwardEngine, model: ForwardModel, batch: Int, channels: Int, height: Int, width: Int,
        threads: Int, blas: BLAS
    ) throws -> (OneDNNPlan?, EngineReport) {
        let chosenBy = choice == .automatic ? "rnx" : "user"
        func openBLAS(_ reason: String) -> (OneDNNPlan?, EngineReport) {
            (nil, EngineReport(library: "OpenBLAS", version: blas.kernels.version, isa: blas.kernels.core,
                               chosenBy: chosenBy, reason: reason))
        }
        if choice == .openblas { return openBLAS("engine openblas asked for") }
        do {
            let plan = try OneDNNPlan(model: model, batch: batch, channels: channels, height: height, width: width,
                                      threads: threads)
            let dnnl = try OneDNN.shared()
            let reason = choice == .onednn
                ? "engine onednn asked for"
                : "blocked layouts through the whole network, BatchNorm, residual and ReLU fused into the convolutions"
            return (plan, EngineReport(library: "oneDNN", version: dnnl.version, isa: dnnl.isa, chosenBy: chosenBy,
                                       reason: reason))
        } catch ForwardError.engineFailure(let call, let status) {
            if choice == .onednn { throw ForwardError.engineFailure(call: call, status: status) }
            return openBLAS("oneDNN failed (\(call): status \(status))")
        }
    }
}
