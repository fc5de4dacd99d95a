/// The version of rnx: what `rnx --version` reports and what `.rnw` metadata records as `rnx_version`.
///
/// It lives in the lowest layer so the command line and the library (`import RNX`) report the same one.
public enum RNXVersion {
    /// The release, as a semantic version: `0.MINOR.PATCH` while the API may still change between minors.
    public static let current = "0.2.0"
}
