/// Which BLAS kernels the forward pass runs and why: what `rnx bench` and `rnx validate` report.
public struct KernelReport: Sendable, Equatable {
    /// Who chose the core.
    public enum ChosenBy: String, Sendable {
        /// `OPENBLAS_CORETYPE` was set before rnx started: a user's choice always wins.
        case user
        /// rnx forced a better core than the library's own detection picked (`OpenBLASCore`).
        case rnx
        /// The library's own pick, which was already the best rnx knows for this CPU (or could not be changed).
        case library
    }

    /// `OpenBLAS`.
    public let library: String
    /// `0.3.21`, from `openblas_get_config`, or `unknown`.
    public let version: String
    /// The kernel set in use, as `openblas_get_corename` reports it after loading (`SkylakeX`, `Haswell`, ...).
    public let core: String
    /// Whether the user, rnx or OpenBLAS itself picked ``core``.
    public let chosenBy: ChosenBy
    /// One clause on why: the library's own pick and the CPU features, or the user's setting.
    public let reason: String
    /// The CPU's own account of itself.
    public let cpu: CPUFeatures

    /// `blas: OpenBLAS 0.3.21, core SkylakeX, chosen by rnx: <reason>` and the CPU on the next line.
    public var text: String {
        let name = cpu.brand.isEmpty ? "this CPU" : cpu.brand
        return "blas: \(library) \(version), core \(core), chosen by \(chosenBy.rawValue): \(reason)\n"
            + "cpu: \(name); features: \(cpu.names.isEmpty ? "none detected" : cpu.names.joined(separator: " "))"
    }

    /// The `"blas"` object of the JSON reports.
    public var json: String {
        let fields = [
            "\"library\":\(library.jsonQuoted)", "\"version\":\(version.jsonQuoted)", "\"core\":\(core.jsonQuoted)",
            "\"chosen_by\":\(chosenBy.rawValue.jsonQuoted)", "\"reason\":\(reason.jsonQuoted)",
            "\"cpu\":\(cpu.brand.jsonQuoted)",
            "\"cpu_features\":[\(cpu.names.map(\.jsonQuoted).joined(separator: ","))]",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
