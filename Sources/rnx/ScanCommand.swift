import ArgumentParser
import Foundation
import RNXCheckpoint
import RNXReport

#if canImport(Glibc)
import Glibc
#endif

/// `rnx scan`: every global every pickle in the given files references, rated, without running anything.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find every pickle in model files and report every global it references, without running it.",
        discussion: """
            Run it before you load a downloaded model with torch.load, pickle.load, joblib.load or np.load. rnx \
            parses every opcode with its own restricted pickle machine: nothing is imported, called or built, \
            and memory stays bounded by the file's bytes and the pickle limits.

            What is scanned (chosen by the file's bytes, never its name): raw pickle files of protocols 0 to 5 \
            (.pkl, .pickle, joblib's plain pickles, a .bin or .pt that is a bare pickle), several pickles back to \
            back and trailing data included; torch zip archives, with any prefix, every .pkl record as the \
            central directory and as the local headers describe it (a file that disagrees is scanned both \
            ways); torch's legacy format (all five pickles); its tar format; .npy object arrays and .npz \
            archives of them. A pickle before a zip archive is scanned too (torch.load reads the pickle, zip \
            readers the archive). Deflated records are inflated within the pickle size limit and deflate's \
            1032:1 ratio.

            Every global is listed with the byte offset and opcode of each reference: where it is named \
            (GLOBAL, STACK_GLOBAL with names built anywhere, even from the memo, INST) and where it is used \
            (REDUCE, NEWOBJ, OBJ calls; BUILD, SETITEM, APPEND changes), each use once per pickle. Each is rated:
              allowed    on rnx's allowlist for weights (tensor rebuilds, OrderedDict, numpy arrays, ...)
              data       a module class rnx reads as data (torch.nn.modules.*, torchvision.models.*, __torch__.*)
              dangerous  everything else: Python imports and calls it; the reason says what the well-known \
            ones do (runs a shell command, imports any module, walks attributes, file or network access, ...)
            Offsets count from the start of the stream the pickle is in: the file, or the zip record or tar entry.

            Exit status: 0 when nothing dangerous is referenced, 1 when something is (stderr names it), 65 when \
            a file cannot be parsed (stderr names the file and the problem; the other files are still scanned, \
            and what a broken pickle referenced before the break is still reported), 66 when one cannot be \
            opened.

            Examples:
              rnx scan downloaded.pth
              rnx scan --recursive ~/models
              rnx scan model.pkl weights.npz --json | jq '.files[] | select(.verdict != "clean") | .file'
            """
    )

    @Argument(help: "Files to scan, or directories with --recursive.")
    var paths: [String]

    @Flag(help: "Print JSON: {files: [{file, pickles: [{where, globals: [{module, name, offset, opcode, class, reason}]}], verdict}]}.")
    var json = false

    @Flag(help: "Scan every file under the given directories (symbolic links are not followed).")
    var recursive = false

    @OptionGroup(title: "Pickle limits") var pickleLimits: PickleLimitOptions

    func run() throws {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                guard recursive else {
                    throw ValidationError("\(path) is a directory: add --recursive to scan the files under it")
                }
                files.append(contentsOf: Self.walk(path))
            } else {
                files.append(path)
            }
        }
        try Self.scan(files, json: json, limits: pickleLimits)
    }

    /// Scans `files`, prints the report and the stderr lines, and exits with the report's status.
    static func scan(_ files: [String], json: Bool, limits: PickleLimitOptions) throws {
        let report = ScanReport(files: files.map { ScanReport.File(path: $0, scan: GlobalScan.scan(path: $0, limits: limits.limits)) })
        print(json ? report.json() : report.text())
        for (path, error) in report.problems {
            let message = PickleLimitOptions.hinted(error)?.description ?? error.description
            FileHandle.standardError.write(Data("rnx: \(path): \(message)\n".utf8))
        }
        let status = report.exitStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// Every regular file under `directory`, in name order, without following symbolic links.
    static func walk(_ directory: String) -> [String] {
        var found: [String] = []
        var pending = [directory]
        while let current = pending.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: current) else { continue }
            var subdirectories: [String] = []
            for name in names.sorted() {
                let path = current.hasSuffix("/") ? current + name : current + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: found.append(path)
                case S_IFDIR: subdirectories.append(path)
                default: continue  // symbolic links, devices, sockets: never followed or read
                }
            }
            pending.append(contentsOf: subdirectories.reversed())
        }
        return found
    }
}
