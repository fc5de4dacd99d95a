import Foundation
import RNXCheckpoint
import RNXTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `OutputFile` and `OutputDirectory`: nothing is at the destination until `commit()`, an existing file is
/// replaced only with `force` and only by a complete file, and the input is never the output.
/// (Signals are tested end to end, in EndToEndTests/InterruptedWriteTests.)
struct OutputFileTests {
    static func names(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func appearsOnlyOnCommit() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("out.bin").path
        let file = try OutputFile(path: path)
        try file.write([1, 2, 3, 4])
        try file.write([9, 9], at: 1)
        #expect(file.size == 4)
        // On Linux the data is in an unnamed file: the folder shows nothing at all.
        #if os(Linux)
        #expect(!file.isNamedTemporary)
        #expect(try Self.names(directory) == [])
        #endif
        try file.commit()
        #expect(try Self.names(directory) == ["out.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 9, 9, 4]))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o644 & ~Self.umask)
        #expect(throws: CheckpointError.writeFailed(reason: "the output was already closed")) { try file.write([1]) }
    }

    static var umask: mode_t {
        let mask = Glibc.umask(0)
        _ = Glibc.umask(mask)
        return mask
    }

    @Test func abandonedOrReleasedLeavesNothing() throws {
        let directory = try Fixtures.temporaryDirectory()
        let file = try OutputFile(path: directory.appendingPathComponent("a").path)
        try file.write([UInt8](repeating: 7, count: 1 << 20))
        file.abandon()
        file.abandon()
        do {
            let released = try OutputFile(path: directory.appendingPathComponent("b").path)
            try released.write([1])
        }
        #expect(try Self.names(directory) == [])
    }

    @Test func existingOutputNeedsForceAndStaysWholeUntilTheNewOneIsDone() throws {
        let directory = try Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("out.bin")
        try Data("old".utf8).write(to: url)
        #expect(throws: CheckpointError.outputExists) { try OutputFile(path: url.path) }
        let file = try OutputFile(path: url.path, force: true)
        try file.write(Array("new contents".utf8))
        #expect(try Data(contentsOf: url) == Data("old".utf8))
        try file.commit()
        #expect(try Data(contentsOf: url) == Data("new contents".utf8))
        #expect(try Self.names(directory) == ["out.bin"])
    }

    /// A file that appears at the destination while the output is written is not replaced without `force`.
    @Test func outputThatAppearsMeanwhileIsKept() throws {
        let directory = try Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("out.bin")
        let file = try OutputFile(path: url.path)
        try file.write([1, 2])
        try Data("theirs".utf8).write(to: url)
        #expect(throws: CheckpointError.outputExists) { try file.commit() }
        #expect(try Data(contentsOf: url) == Data("theirs".utf8))
        #expect(try Self.names(directory) == ["out.bin"])
    }

    @Test func theInputIsNeverTheOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("in.bin")
        try Data("input".utf8).write(to: input)
        try FileManager.default.linkItem(at: input, to: directory.appendingPathComponent("hard.bin"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("soft.bin").path, withDestinationPath: "in.bin")
        for name in ["in.bin", "hard.bin", "soft.bin"] {
            #expect(throws: CheckpointError.outputIsInput(input: input.path)) {
                try OutputFile(path: directory.appendingPathComponent(name).path, force: true, inputs: [input.path])
            }
        }
        #expect(try Data(contentsOf: input) == Data("input".utf8))
        #expect(try Self.names(directory) == ["hard.bin", "in.bin", "soft.bin"])
    }

    @Test func refusalsAndTheirMessages() throws {
        let directory = try Fixtures.temporaryDirectory()
        #expect(throws: CheckpointError.cannotCreate(reason: "it is a directory")) {
            try OutputFile(path: directory.path, force: true)
        }
        #expect(throws: CheckpointError.cannotCreate(reason: "No such file or directory")) {
            try OutputFile(path: "/nonexistent/out.bin")
        }
        #expect(CheckpointError.outputExists.description == "output exists (use --force to replace it)")
        #expect(CheckpointError.outputExists.category.exitStatus == 73)
        #expect(CheckpointError.outputIsInput(input: "x.npy").description
            == "the output is the input x.npy; rnx never modifies its input")
        #expect(CheckpointError.outputIsInput(input: "x.npy").category.exitStatus == 64)
    }

    @Test func directoryAppearsOnlyOnCommit() throws {
        let parent = try Fixtures.temporaryDirectory()
        let path = parent.appendingPathComponent("model").path
        let folder = try OutputDirectory(path: path)
        try folder.write(Array("{}".utf8), toFile: "config.json")
        try folder.makeDirectory(named: "sub")
        let weights = try folder.file(named: "sub/model.safetensors")
        try weights.write([1, 2, 3])
        #expect(throws: CheckpointError.writeFailed(reason: "model.safetensors was never finished")) {
            try folder.commit()
        }
        // A failed commit abandons the whole directory.
        #expect(try Self.names(parent) == [])

        let again = try OutputDirectory(path: path)
        try again.write(Array("{}".utf8), toFile: "config.json")
        #expect(try Self.names(parent) == [URL(fileURLWithPath: again.stagingPath).lastPathComponent])
        try again.commit()
        #expect(try Self.names(parent) == ["model"])
        #expect(try Self.names(URL(fileURLWithPath: path)) == ["config.json"])
    }

    @Test func directoryIsReplacedOnlyWithForce() throws {
        let parent = try Fixtures.temporaryDirectory()
        let url = parent.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: url.appendingPathComponent("old.txt"))
        #expect(throws: CheckpointError.outputExists) { try OutputDirectory(path: url.path) }
        let folder = try OutputDirectory(path: url.path, force: true)
        try folder.write(Array("new".utf8), toFile: "new.txt")
        #expect(try Self.names(url) == ["old.txt"])
        try folder.commit()
        #expect(try Self.names(url) == ["new.txt"])
        #expect(try Self.names(parent) == ["model"])
    }

    @Test func abandonedDirectoryLeavesNothing() throws {
        let parent = try Fixtures.temporaryDirectory()
        do {
            let folder = try OutputDirectory(path: parent.appendingPathComponent("model").path)
            try folder.write([1], toFile: "a")
            let open = try folder.file(named: "b")
            try open.write([2])
        }
        #expect(try Self.names(parent) == [])
    }

    /// Replacing a folder that holds an input would delete it; names must stay inside the folder.
    @Test func directoryRefusals() throws {
        let parent = try Fixtures.temporaryDirectory()
        let url = parent.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        let input = url.appendingPathComponent("weights.pth").path
        try Data("w".utf8).write(to: URL(fileURLWithPath: input))
        #expect(throws: CheckpointError.outputIsInput(input: input)) {
            try OutputDirectory(path: url.path, force: true, inputs: [input])
        }
        let folder = try OutputDirectory(path: parent.appendingPathComponent("other").path)
        for name in ["", "/etc/passwd", "../x", "a//b", "./a"] {
            #expect(throws: CheckpointError.cannotCreate(reason: "'\(name)' is not a name inside the output directory")) {
                try folder.file(named: name)
            }
        }
        folder.abandon()
        #expect(try Self.names(parent) == ["model"])
    }

    /// A signal while a folder output is staged (a committed file, a subdirectory and a file being written) removes
    /// all of it and leaves an existing folder as it was: this test runs the test bundle again as a child that
    /// stages a folder and sends itself the signal, once with O_TMPFILE and once with the named fallback.
    @Test(arguments: [(SIGTERM, false), (SIGINT, true), (SIGHUP, false)])
    func interruptedDirectoryLeavesNothing(signal: Int32, fallback: Bool) throws {
        let parent = try Fixtures.temporaryDirectory()
        let url = parent.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: url.appendingPathComponent("config.json"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "stageFolderAndInterrupt"]
        var environment = ProcessInfo.processInfo.environment
        environment["RNX_TEST_STAGE_FOLDER"] = url.path
        environment["RNX_TEST_STAGE_SIGNAL"] = String(signal)
        if fallback { environment["RNX_NO_O_TMPFILE"] = "1" }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP"
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "\(stderr)")
        #expect(stderr.contains("rnx: \(url.path): interrupted by \(name); the output was not written\n"), "\(stderr)")
        #expect(try Self.names(parent) == ["model"])
        #expect(try Self.names(url) == ["config.json"])
        #expect(try Data(contentsOf: url.appendingPathComponent("config.json")) == Data("old".utf8))
    }

    /// The child of `interruptedDirectoryLeavesNothing`; does nothing in a normal test run.
    @Test func stageFolderAndInterrupt() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["RNX_TEST_STAGE_FOLDER"],
              let signal = environment["RNX_TEST_STAGE_SIGNAL"].flatMap({ Int32($0) }) else { return }
        OutputFile.removeInterruptedOutputsOnSignal()  // as rnx does when it starts; the library alone installs none
        let folder = try OutputDirectory(path: path, force: true)
        try folder.write(Array("{\"new\": 1}".utf8), toFile: "config.json")
        try folder.makeDirectory(named: "weights")
        let weights = try folder.file(named: "weights/model.safetensors")
        try weights.write([UInt8](repeating: 1, count: 1 << 20))
        #expect(weights.isNamedTemporary == (environment["RNX_NO_O_TMPFILE"] != nil))
        raise(signal)
        Issue.record("still running after signal \(signal)")
    }
}
