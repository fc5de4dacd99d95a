import Foundation
import RNXTestSupport
import Testing

/// `rnx scan` on the corpus of `fixtures/scan/` (made by `scripts/fixtures/gen_scan.py` with pickle, numpy, torch,
/// zipfile and joblib): every report must be exactly `EXPECTED.json`'s, whose references were written by hand and
/// located with `pickletools.genops`, never taken from rnx.
struct ScanCommandTests {
    struct Expected: Decodable, Sendable {
        struct Pickle: Decodable, Equatable, Sendable {
            let `where`: String
            let globals: [Global]
        }

        struct Global: Decodable, Equatable, Sendable {
            let module: String
            let name: String
            let offset: Int
            let opcode: String
            let `class`: String
            let reason: String
        }

        struct Note: Decodable, Sendable {
            let `where`: String
            let contains: String
        }

        let verdict: String
        let pickles: [Pickle]
        let notes: [Note]
        let errors: Int
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let expected: Expected
        var path: String { Fixtures.path("scan/" + file) }
        var testDescription: String { file }
    }

    struct Corpus: Decodable {
        let files: [String: Expected]
    }

    /// The JSON report, decoded with the same shapes (notes and errors are optional there).
    struct Report: Decodable {
        struct File: Decodable {
            struct Pickle: Decodable {
                let `where`: String
                let globals: [Expected.Global]
                let notes: [String]?
            }

            let file: String
            let pickles: [Pickle]
            let verdict: String
            let errors: [String]?
        }

        let files: [File]
    }

    static let cases: [Case] = {
        guard let data = try? Fixtures.data("scan/EXPECTED.json"),
              let corpus = try? JSONDecoder().decode(Corpus.self, from: data)
        else { return [] }
        return corpus.files.keys.sorted().compactMap { name in corpus.files[name].map { Case(file: name, expected: $0) } }
    }()

    static func status(of verdict: String) -> Int32 { ["clean": 0, "dangerous": 1, "unreadable": 65][verdict] ?? -1 }

    @Test func corpusCoversEveryFile() throws {
        #expect(Self.cases.count >= 40)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("scan"))
            .filter { $0 != "EXPECTED.json" && $0 != "zip_deflate_bomb.pth" }
        #expect(Set(onDisk) == Set(Self.cases.map(\.file)))
        let size = try onDisk.reduce(0) { $0 + (try Fixtures.data("scan/" + $1).count) }
        #expect(size < 64 << 10, "the scan corpus should stay a few KB per file")
    }

    @Test(arguments: cases) func reportIsExactlyTheExpectedOne(_ file: Case) throws {
        let result = try RNXProcess.run(["scan", "--json", file.path])
        #expect(result.status == Self.status(of: file.expected.verdict), "\(result)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        let scanned = try #require(report.files.first)
        #expect(scanned.file == file.path)
        #expect(scanned.verdict == file.expected.verdict)
        #expect(scanned.pickles.map { Expected.Pickle(where: $0.where, globals: $0.globals) } == file.expected.pickles)
        for note in file.expected.notes {
            let notes = scanned.pickles.filter { $0.where == note.where }.flatMap { $0.notes ?? [] }
            #expect(notes.contains { $0.contains(note.contains) }, "\(file.file): no note with '\(note.contains)': \(notes)")
        }
        #expect((scanned.errors ?? []).count == file.expected.errors, "\(result)")
        // stderr: one line per error and one naming the dangerous globals, each naming the file.
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == file.expected.errors + (file.expected.verdict == "dangerous" ? 1 : 0), "\(result)")
        #expect(lines.allSatisfy { $0.hasPrefix("rnx: \(file.path): ") }, "\(result)")
    }

    /// The text report says the same: a verdict line, then each reference with its rating, opcode and offset.
    @Test func textReportOfADangerousFile() throws {
        let path = Fixtures.path("scan/stack_global_from_memo.pkl")
        let result = try RNXProcess.run(["scan", path])
        #expect(result.status == 1)
        #expect(result.stdout == """
            \(path): dangerous (pickle, 1 pickle, 2 references)
              pickle
                dangerous  os.system  STACK_GLOBAL  byte 22: runs a shell command
                dangerous  os.system  REDUCE        byte 30: runs a shell command

            """)
        #expect(result.stderr == "rnx: \(path): dangerous: pickle references 1 dangerous global: os.system (runs a shell command)\n")
    }

    /// A bomb at the given pickle limit is refused while inflating, named, exit 65; the other files are scanned.
    @Test func deflateBombIsRefusedAndTheScanGoesOn() throws {
        let bomb = Fixtures.path("scan/zip_deflate_bomb.pth")
        let clean = Fixtures.path("scan/plain_p4.pkl")
        let result = try RNXProcess.run(["scan", "--max-pickle-bytes", "100000", bomb, clean])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr == "rnx: \(bomb): corrupt zip archive: entry 'archive/data.pkl': inflates past 100000 bytes "
            + "(the pickle size limit, or deflate's 1032:1 ratio): a compression bomb\n")
        #expect(result.stdout.contains("\(clean): clean (pickle, 1 pickle, 0 references)"), "\(result)")
        #expect(result.stdout.hasSuffix("2 files: 0 dangerous, 1 unreadable, 1 clean\n"), "\(result)")
        // Within the standard limits the same record is an ordinary clean pickle of 200,000 zero bytes.
        #expect(try RNXProcess.run(["scan", bomb]).status == 0)
    }

    /// Dangerous outranks unreadable (1 over 65); a missing file is 66 and does not stop the others.
    @Test func exitStatusOfSeveralFiles() throws {
        let dangerous = Fixtures.path("scan/p0_os_system.pkl")
        let missing = Fixtures.path("scan/no-such-file.pkl")
        let both = try RNXProcess.run(["scan", missing, dangerous])
        #expect(both.status == 1, "\(both)")
        #expect(both.stderr.hasPrefix("rnx: \(missing): cannot open: No such file or directory\n"), "\(both)")
        let alone = try RNXProcess.run(["scan", missing])
        #expect(alone.status == 66, "\(alone)")
    }

    /// --recursive walks directories in name order and never follows symbolic links; without it a directory is
    /// a usage error.
    @Test func recursiveScanSkipsSymbolicLinks() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nested = directory.appendingPathComponent("b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try Fixtures.data("scan/plain_p2.pkl").write(to: directory.appendingPathComponent("a.pkl"))
        try Fixtures.data("scan/object_array.npy").write(to: nested.appendingPathComponent("x.npy"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("link.pkl").path, withDestinationPath: Fixtures.path("scan/p0_os_system.pkl"))
        let result = try RNXProcess.run(["scan", "--recursive", "--json", directory.path])
        #expect(result.status == 1, "\(result)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.files.map(\.file) == [directory.path + "/a.pkl", directory.path + "/b/c/x.npy"])
        #expect(report.files.map(\.verdict) == ["clean", "dangerous"])
        let refused = try RNXProcess.run(["scan", directory.path])
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stderr.contains("is a directory: add --recursive"), "\(refused)")
    }

    /// `rnx inspect --globals FILE` is `rnx scan FILE`: the same report and status.
    @Test(arguments: ["scan/torch_zip_os_system.pth", "scan/torch_zip_state_dict.pth", "checkpoints/whole-module.pth"])
    func inspectGlobalsIsTheSameScan(_ file: String) throws {
        let path = Fixtures.path(file)
        let scan = try RNXProcess.run(["scan", "--json", path])
        let inspect = try RNXProcess.run(["inspect", "--globals", "--json", path])
        #expect(inspect.status == scan.status && inspect.stdout == scan.stdout && inspect.stderr == scan.stderr)
    }

    /// The tar format: `fixtures/attacks/tar_pickle_os_system.pth` (gen_attacks.py) names os.system in its
    /// `pickle` entry at the offset its manifest gives.
    @Test func tarCheckpoint() throws {
        let path = Fixtures.path("attacks/tar_pickle_os_system.pth")
        let result = try RNXProcess.run(["scan", "--json", path])
        #expect(result.status == 1, "\(result)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        let pickle = try #require(report.files.first?.pickles.first { $0.where == "pickle" })
        let manifest = try JSONSerialization.jsonObject(with: Fixtures.data("attacks/MANIFEST.json")) as? [String: Any]
        let entry = (manifest?["files"] as? [[String: Any]])?.first { $0["file"] as? String == "tar_pickle_os_system.pth" }
        let offset = try #require(entry?["offset"] as? Int)
        #expect(pickle.globals.contains {
            $0.module == "os" && $0.name == "system" && $0.opcode == "GLOBAL" && $0.offset == offset && $0.class == "dangerous"
        }, "\(result)")
    }
}
