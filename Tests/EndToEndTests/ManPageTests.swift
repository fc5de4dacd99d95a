import Foundation
import RNXTestSupport
import Testing

/// The manual documents what the code does: every option a subcommand's `--help` lists is in man/rnx.1.
struct ManPageTests {
    static let subcommands = [
        "archs", "inspect", "summary", "diagram", "convert", "export", "verify", "run", "validate", "bench",
        "predict", "preprocess", "scan",
    ]

    @Test(arguments: subcommands)
    func everyOptionIsDocumented(subcommand: String) throws {
        let help = try RNXProcess.run([subcommand, "--help"])
        #expect(help.status == 0, "\(help)")
        let manual = try String(contentsOf: Fixtures.root.appendingPathComponent("man/rnx.1"), encoding: .utf8)
        let pattern = try Regex("--[a-z][a-z0-9-]*")
        let options = Set(help.stdout.matches(of: pattern).map { String(help.stdout[$0.range]) })
        #expect(!options.isEmpty)
        for option in options {
            // mdoc writes `--name` as `Fl -name`.
            #expect(manual.contains("Fl -" + option.dropFirst(2)), "\(subcommand) \(option) is not in man/rnx.1")
        }
        #expect(manual.contains("Cm \(subcommand)"), "\(subcommand) has no entry in man/rnx.1")
    }

    @Test func rootHelpListsEverySubcommand() throws {
        let help = try RNXProcess.run(["--help"])
        #expect(help.status == 0)
        for subcommand in Self.subcommands {
            #expect(help.stdout.contains("  \(subcommand) "), "\(subcommand) missing from rnx --help")
        }
    }
}
