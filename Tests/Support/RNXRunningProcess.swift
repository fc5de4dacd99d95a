import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The built `rnx` started in the background, for tests that signal it while it works.
public final class RNXRunningProcess {
    /// How the process ended.
    public struct Outcome: CustomStringConvertible {
        /// The exit status, or the signal number if `signaled`.
        public let status: Int32
        public let signaled: Bool
        public let stderr: String
        public var description: String { "\(signaled ? "killed by signal" : "exit") \(status)\nstderr:\n\(stderr)" }
    }

    private let process = Process()
    private let stderrFile: URL

    /// Starts `rnx arguments` in `directory`, with `environment` added to the test's own; stdout is discarded.
    public init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("rnx-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = RNXProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// The paths the process has open (the targets of /proc/PID/fd/*); an unnamed O_TMPFILE file reads as
    /// `DIR/#INODE (deleted)`.
    public func openFiles() -> [String] {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0) }
    }

    /// Polls (every 2 ms, for up to `timeout` seconds) until the process has a file open in `directory` holding
    /// at least `bytes` bytes; returns that file's /proc target, or nil if the process ended or time ran out.
    public func waitForOutput(in directory: URL, bytes: Int = 1, timeout: Double = 60) -> String? {
        let prefix = directory.resolvingSymlinksInPath().path + "/"
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            let fdDirectory = "/proc/\(pid)/fd"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
                let link = fdDirectory + "/" + name
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link),
                      target.hasPrefix(prefix) else { continue }
                var info = stat()
                if stat(link, &info) == 0 && Int(info.st_size) >= bytes { return target }
            }
            usleep(2000)
        }
        return nil
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the process to end.
    public func wait() -> Outcome {
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: stderrFile)
        return Outcome(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal, stderr: stderr)
    }
}
