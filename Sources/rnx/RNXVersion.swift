/// The version rnx reports in `--version` and writes into `.rnw` metadata.
enum RNXVersion {
    static let current = "0.1.0"
}
