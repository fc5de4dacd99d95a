import Foundation

/// Runs the built `rnx` binary and captures what a user would see.
public struct RNXProcess {
    /// The outcome of one run.
    public struct Result: CustomStringConvertible {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// The `rnx` binary that `swift build` put beside the test bundle, or `$RNX_BINARY`.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["RNX_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the tests run from `.build/<config>/<name>.xctest`; the binary sits in the same folder.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("rnx")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Fixtures.root.appendingPathComponent(".build/debug/rnx")
    }

    /// Runs `rnx` (or `executable`) with `arguments`, optionally in `directory`, and waits for it. `environment`
    /// entries are set (a nil value removes the variable) on top of the tests' own environment.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil, executable: URL? = nil,
        environment: [String: String?] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
