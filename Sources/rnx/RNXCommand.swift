import ArgumentParser

/// The `rnx` command: read, map, convert, summarise and run PyTorch ResNet weights without Python.
@main
struct RNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnx",
        abstract: "Read, convert, inspect and run PyTorch ResNet weights, natively and safely.",
        discussion: """
            rnx reads PyTorch checkpoints (.pth zip and legacy files, .pth.tar training checkpoints, safetensors) \
            with a restricted unpickler that never executes anything from the file.

            Exit status: 0 success, 1 a check did not pass, 64 usage error, 65 bad or unsafe data, \
            66 cannot open input, 73 cannot create output, 74 I/O error.
            """,
        version: RNXVersion.current,
        subcommands: [
            ArchsCommand.self,
            InspectCommand.self,
            ConvertCommand.self,
            VerifyCommand.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            ErrorReport.exit(with: error)
        }
    }
}
