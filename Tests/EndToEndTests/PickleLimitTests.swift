import Foundation
import RNXTestSupport
import Testing

/// The pickle limits are overridable per run, and a file that hits one is told which option raises it.
struct PickleLimitTests {
    static let resnet20 = Fixtures.path("checkpoints/resnet20-cifar10.pth")

    /// torch's pickle of resnet20's state dict (1.5 KB of opcodes, 100+ tensors in a SETITEMS batch, memoized
    /// storages, tensors rebuilt from nested tuples) exceeds each of these tiny limits, and only that one.
    @Test(arguments: [
        ("--max-pickle-bytes", "100"), ("--max-pickle-depth", "2"), ("--max-pickle-memo", "5"),
        ("--max-pickle-items", "3"), ("--max-pickle-stack", "3"), ("--max-pickle-objects", "10"),
        ("--max-pickle-unfolded", "10"),
    ])
    func aTinyLimitRefusesARealCheckpointNamingItsOption(option: String, value: String) throws {
        let result = try RNXProcess.run(["inspect", option, value, Self.resnet20])
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("rnx: \(Self.resnet20): "), "\(result)")
        #expect(result.stderr.hasSuffix("; \(option) raises this limit\n"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
    }

    /// The same file reads with the defaults, and with every limit raised.
    @Test func defaultsAndRaisedLimitsReadTheRealCheckpoint() throws {
        #expect(try RNXProcess.run(["inspect", Self.resnet20]).status == 0)
        let raised = try RNXProcess.run([
            "inspect", Self.resnet20, "--max-pickle-bytes", "1000000000", "--max-pickle-depth", "100000",
            "--max-pickle-memo", "100000000", "--max-pickle-items", "100000000", "--max-pickle-stack", "100000000",
            "--max-pickle-objects", "100000000", "--max-pickle-unfolded", "100000000",
        ])
        #expect(raised.status == 0, "\(raised)")
    }

    /// 10^6 nested lists are refused at depth 1000 by default; with the depth limit raised past them the machine
    /// builds and frees them without recursing (no stack overflow), and the file fails only for what it is.
    @Test func raisingTheDepthLimitGetsPastTheNesting() throws {
        let path = Fixtures.path("attacks/list_depth_1e6.pth")
        let refused = try RNXProcess.run(["inspect", path])
        #expect(refused.stderr == "rnx: \(path): pickle nests deeper than 1000 levels at byte 1002; "
            + "--max-pickle-depth raises this limit\n")
        let raised = try RNXProcess.run(["inspect", "--max-pickle-depth", "2000000", path])
        #expect(raised.status == 65, "\(raised)")
        #expect(raised.stderr == "rnx: \(path): no state dict (a mapping of names to tensors) found; the file holds a list\n")
    }

    /// A legacy file's pickles precede its tensor data; the byte limit stops reading them at exactly the limit.
    @Test func legacyPicklesAreBoundedByTheByteLimit() throws {
        let path = Fixtures.path("checkpoints/resnet20-cifar10-legacy.pth")
        let result = try RNXProcess.run(["inspect", "--max-pickle-bytes", "100", path])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(path): pickle is larger than the limit of 100 bytes (still no STOP at byte 100); "
            + "--max-pickle-bytes raises this limit\n")
    }

    /// Every command that reads a checkpoint takes the limits.
    @Test(arguments: [
        ["inspect"], ["inspect", "--globals"], ["scan"], ["summary"], ["run", "--input", "x.npy", "--output", "y.npy"],
        ["validate"], ["bench"], ["convert", "--force", "OUT"],
    ])
    func everyReadingCommandAppliesTheLimits(_ command: [String]) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = [command[0], Self.resnet20] + command.dropFirst().map {
            $0 == "OUT" ? directory.appendingPathComponent("out.rnw").path : $0
        }
        arguments += ["--max-pickle-depth", "2"]
        let result = try RNXProcess.run(arguments)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasSuffix("; --max-pickle-depth raises this limit\n"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// `rnx verify` reports the refusal as the file's FAIL line, with the option, and exits 1 like every failed check.
    @Test func verifyReportsAHitLimitAsAFailure() throws {
        let result = try RNXProcess.run(["verify", "--max-pickle-depth", "2", Self.resnet20])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.hasPrefix("\(Self.resnet20): FAIL pickle nests deeper than 2 levels at byte "), "\(result)")
        #expect(result.stdout.contains("; --max-pickle-depth raises this limit"), "\(result)")
    }

    @Test(arguments: ["--max-pickle-bytes", "--max-pickle-depth", "--max-pickle-memo", "--max-pickle-items",
                      "--max-pickle-stack", "--max-pickle-objects", "--max-pickle-unfolded"])
    func aLimitBelowOneIsAUsageError(_ option: String) throws {
        let result = try RNXProcess.run(["inspect", option, "0", Self.resnet20])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.hasPrefix("Error: \(option) must be at least 1\n"), "\(result)")
    }
}
