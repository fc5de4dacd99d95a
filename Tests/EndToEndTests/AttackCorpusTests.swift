import Foundation
import RNXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The attack corpus of `fixtures/attacks/` (made by `scripts/fixtures/gen_attacks.py`) run through the real binary.
///
/// Each file's expected exit status and stderr line are in `MANIFEST.json`, written by hand after the refusal was
/// reviewed as the right one for the attack; the globals each pickle names come from the generator, never from rnx.
struct AttackCorpusTests {
    struct Expectation: Decodable, Sendable {
        let status: Int32
        /// The exact stderr line, with the file's path written as `FILE` (empty for accepted files).
        let stderr: String
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let format: String
        let kind: String
        let stage: String
        let attack: String
        let globals: [String]
        let dangerous: [String]
        let offset: Int?
        let expect: Expectation?
        /// `rnx inspect --check-data FILE`, for the files whose damage only shows in tensor bytes.
        let check_data: Expectation?

        var path: String { Fixtures.path("attacks/" + file) }
        var testDescription: String { file }
    }

    struct Manifest: Decodable {
        let files: [Case]
    }

    static let cases: [Case] = {
        guard let data = try? Fixtures.data("attacks/MANIFEST.json"),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.files
    }()

    static let attacks = cases.filter { $0.kind != "control" }
    static let malicious = cases.filter { $0.kind == "malicious-pickle" }
    static let controls = cases.filter { $0.kind == "control" }
    static let dataStage = cases.filter { $0.stage == "data" }

    @Test func manifestListsEveryFileOfTheCorpus() throws {
        #expect(Self.cases.count > 200)
        #expect(Self.dataStage.count >= 6)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("attacks"))
            .filter { $0 != "MANIFEST.json" && $0 != "README.md" }
        #expect(Set(onDisk) == Set(Self.cases.map(\.file)))
    }

    /// The generator's own valid files must be read, or the attacks built the same way would prove nothing.
    @Test(arguments: controls) func controlFileIsRead(_ control: Case) throws {
        let result = try RNXProcess.run(["inspect", control.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test(arguments: attacks) func inspectRefusesWithTheExpectedLine(_ attack: Case) throws {
        let expect = try #require(attack.expect, "no reviewed expectation for \(attack.file): \(attack.attack)")
        let run = try MeasuredRun(["inspect", attack.path])
        #expect(run.status == expect.status, "\(attack.file): \(run.stderr)")
        if expect.status == 0 {
            // Accepted files (tensor bytes unread, DAGs and cycles rendered with a bound): a short report.
            #expect(run.stderr.isEmpty, "\(attack.file): \(run.stderr)")
            #expect(run.stdout.utf8.count < 4096, "\(attack.file) printed \(run.stdout.utf8.count) bytes")
            return
        }
        #expect(run.stdout.isEmpty, "\(attack.file) printed a report: \(run.stdout.prefix(200))")
        #expect(run.stderr.hasPrefix("rnx: \(attack.path): ") && run.stderr.filter { $0 == "\n" }.count == 1,
                "\(attack.file): not one line naming the file: \(run.stderr)")
        #expect(run.stderr == expect.stderr.replacingOccurrences(of: "FILE", with: attack.path) + "\n")
        if let offset = attack.offset, attack.stage == "open", expect.stderr.contains(" byte ") {
            #expect(run.stderr.contains("byte \(offset)"), "\(attack.file): expected the opcode's offset \(offset)")
        }
    }

    /// Damage only tensor bytes show (CRCs, lying sizes of stored and deflated records) is found by reading them.
    @Test(arguments: dataStage) func checkDataFindsTheDamageInTensorBytes(_ attack: Case) throws {
        let expect = try #require(attack.check_data, "no reviewed --check-data expectation for \(attack.file)")
        let run = try MeasuredRun(["inspect", "--check-data", attack.path])
        #expect(run.status == expect.status, "\(attack.file): \(run.stderr)")
        let line = expect.stderr.replacingOccurrences(of: "FILE", with: attack.path)
        #expect(run.stderr == (line.isEmpty ? "" : line + "\n"), "\(attack.file)")
        if expect.status != 0 { #expect(run.stdout.isEmpty, "\(attack.file) printed a report") }
    }

    /// A generous sanity bound, not a speed target: every corpus file (each under 100 KB) is handled in well under
    /// a second of CPU time (user + system, so a busy machine does not make it flaky) with a peak resident set under
    /// 200 MiB, compression bombs, 10^6-deep nesting and billion laughs included.
    @Test(arguments: cases) func everyFileIsHandledQuicklyInBoundedMemory(_ file: Case) throws {
        let run = try MeasuredRun(["inspect", file.path], measureMemory: true)
        #expect(!run.signalled, "\(file.file) killed by signal \(-run.status): \(run.stderr.prefix(300))")
        if let peak = run.peakMiB {
            #expect(peak < 200, "\(file.file) peaked at \(peak) MiB")
        } else {
            Issue.record("\(file.file): no peak memory figure from /usr/bin/time")
        }
        #expect([0, 65].contains(run.status), "\(file.file): \(run.stderr.prefix(300))")
        #expect(run.cpuSeconds < 1.0, "\(file.file) took \(run.cpuSeconds) s of CPU")
    }

    /// `--globals` (the scan) parses without executing and names exactly the dangerous globals the generator put
    /// in the pickle. Module classes (`torch.nn.modules.*`) are rated data since issue 17, and calls of computed
    /// values are reported as `<opaque>.call` beside the globals that made them.
    @Test(arguments: malicious) func globalsScanNamesTheDangerousGlobals(_ file: Case) throws {
        #expect(!file.dangerous.isEmpty)
        let result = try RNXProcess.run(["inspect", "--globals", "--json", file.path])
        // Python 2 module names are reported as CPython's fix_imports resolves them (`__builtin__` is `builtins`).
        let dangerous = Set(file.dangerous.map { $0.replacingOccurrences(of: "__builtin__.", with: "builtins.") }
            .filter { !$0.hasPrefix("torch.nn.modules.") })
        #expect(result.status == 1, "\(result)")
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let pickles = ((json?["files"] as? [[String: Any]])?.first?["pickles"] as? [[String: Any]]) ?? []
        let found = pickles.flatMap { $0["globals"] as? [[String: Any]] ?? [] }
            .filter { $0["class"] as? String == "dangerous" }
            .map { "\($0["module"] ?? "").\($0["name"] ?? "")" }.filter { $0 != "<opaque>.call" }
        #expect(Set(found) == dangerous, "\(file.file): \(result)")
        for global in dangerous {
            #expect(result.stderr.contains(global), "\(file.file): stderr does not name \(global): \(result.stderr)")
        }
    }

    /// Refused inputs never leave an output file behind, not even a temporary one.
    @Test(arguments: [
        "global_os_system.pth", "stack_global_names_from_memo.pth", "zip_storage_count_exceeds_record.pth",
        "zip_crc_mismatch_bit_flip.pth", "legacy_truncated_storage.pth", "st_overlapping.rnw", "module_submodule_os_system.pth",
    ]) func convertWritesNothing(_ file: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try RNXProcess.run(["convert", Fixtures.path("attacks/" + file), "out.rnw"], in: directory)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("rnx: "), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Damage met half-way through a real conversion: one bit flipped in the last storage record of the resnet20
    /// fixture (written by torch). The CRC check fails while streaming, and neither the output nor its temporary
    /// file may remain.
    @Test func convertStoppedByACRCFailureMidStreamLeavesNothing() throws {
        var bytes = [UInt8](try Fixtures.data("checkpoints/resnet20-cifar10.pth"))
        // The last local header whose name is `<folder>/data/<key>`: its fields are at fixed offsets (zip APPNOTE
        // 4.3.7), the data follows the name and extra field.
        let signature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        var dataStart: Int?
        var index = 0
        while index + 30 < bytes.count {
            if Array(bytes[index..<index + 4]) == signature {
                let nameLength = Int(bytes[index + 26]) | Int(bytes[index + 27]) << 8
                let extraLength = Int(bytes[index + 28]) | Int(bytes[index + 29]) << 8
                let name = String(decoding: bytes[index + 30..<index + 30 + nameLength], as: UTF8.self)
                if name.contains("/data/") { dataStart = index + 30 + nameLength + extraLength }
            }
            index += 1
        }
        let start = try #require(dataStart)
        bytes[start + 1] ^= 0x10
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("flipped.pth")
        try Data(bytes).write(to: input)
        let result = try RNXProcess.run(["convert", input.path, "out.rnw"], in: directory)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("fails its CRC-32 check"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["flipped.pth"])
    }
}

/// One run of the binary with its own CPU time (wait4), so other tests' children never count.
///
/// Peak memory is measured by GNU time (Debian's `time`, which `make deps` installs) as the parent of rnx: a child
/// spawned straight from the test process inherits the test process's large peak in `ru_maxrss` (posix_spawn shares
/// its address space until exec), while time's own fork is small. Capping RLIMIT_DATA instead was flaky: glibc's
/// per-thread arenas reserve address space that counts against it without ever being touched.
struct MeasuredRun {
    let status: Int32
    let signalled: Bool
    let stdout: String
    let stderr: String
    let seconds: Double
    /// User plus system CPU time of the child.
    let cpuSeconds: Double
    /// Peak resident set size of rnx in MiB, when measured.
    let peakMiB: Double?

    init(_ arguments: [String], measureMemory: Bool = false) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let memoryPath = directory.appendingPathComponent("memory").path
        var command = [RNXProcess.binary.path] + arguments
        if measureMemory {
            command = ["/usr/bin/time", "-f", "%M", "-o", memoryPath, "--"] + command
        }
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        var waitStatus: Int32 = 0
        var usage = rusage()
        while wait4(pid, &waitStatus, 0, &usage) < 0 && errno == EINTR {}
        seconds = Date().timeIntervalSince(start)
        // WIFEXITED / WEXITSTATUS / WIFSIGNALED are macros Swift does not import.
        let termSignal = waitStatus & 0x7F
        var killed = termSignal != 0 && termSignal != 0x7F
        var exitStatus = killed ? -termSignal : (waitStatus >> 8) & 0xFF
        var peak: Double?
        if measureMemory {
            // GNU time writes "Command terminated by signal N" before the figure when rnx was killed, and exits
            // with 128 + N itself.
            let report = (try? String(contentsOfFile: memoryPath, encoding: .utf8)) ?? ""
            let lines = report.split(separator: "\n")
            if lines.first?.hasPrefix("Command terminated by signal") == true, exitStatus > 128 {
                killed = true
                exitStatus = -(exitStatus - 128)
            }
            peak = lines.last.flatMap { Double($0) }.map { $0 / 1024 }
        }
        signalled = killed
        status = exitStatus
        peakMiB = peak
        cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    }
}
