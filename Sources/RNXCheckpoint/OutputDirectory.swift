import COutputCleanup
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that is a folder (a Hugging Face model directory): it appears at its destination complete, or not at
/// all.
///
/// The files are written into a hidden staging directory beside the destination (`.NAME.rnx-PID-RANDOM`), each
/// through an `OutputFile`; `commit()` syncs the staging directory and renames it into place in one step. SIGINT,
/// SIGTERM and SIGHUP remove every staged file and the staging directory before rnx exits 130, 143 or 129 with one
/// line saying the output was not written; only SIGKILL or a power cut can leave the staging directory behind (a
/// directory cannot be unnamed the way an `O_TMPFILE` file is). With `force`, an existing destination is swapped
/// out atomically (`renameat2(RENAME_EXCHANGE)`; elsewhere moved aside first) and removed only after the new
/// directory is in place.
///
/// ```swift
/// let folder = try OutputDirectory(path: "out-hf", force: options.force, inputs: [input])
/// let weights = try folder.file(named: "model.safetensors")
/// try weights.write(bytes); try weights.commit()   // or SafetensorsWriter(output: weights, ...)
/// try folder.write(Array(json.utf8), toFile: "config.json")
/// try folder.commit()                              // or folder.abandon(); released uncommitted = abandoned
/// ```
public final class OutputDirectory {
    /// Where the directory appears on `commit()`.
    public let path: String
    /// The hidden directory the files are staged in until then.
    public let stagingPath: String

    private let force: Bool
    private var files: [OutputFile] = []
    private var subdirectories: [String] = []
    private var extraSlots: [Int32] = []
    private var cleanupSlot: Int32
    private var finished = false

    /// Refuses a destination that exists (unless `force`) or that is or holds one of `inputs`, then creates the
    /// staging directory beside it.
    ///
    /// - Throws: `CheckpointError.outputExists`, `.outputIsInput`, `.cannotCreate`.
    public init(path: String, force: Bool = false, inputs: [String] = []) throws {
        try OutputDirectory.checkDestination(path, force: force, inputs: inputs)
        self.path = path
        self.force = force
        let staging = OutputFile.hiddenName(for: path)
        // Registered before it exists, like a named OutputFile.
        cleanupSlot = rnx_cleanup_add(Int32(RNX_CLEANUP_DIRECTORY.rawValue), staging, path)
        guard mkdir(staging, 0o755) == 0 else {
            let reason = OutputFile.errnoText()
            rnx_cleanup_remove(cleanupSlot)
            throw CheckpointError.cannotCreate(reason: reason)
        }
        stagingPath = staging
    }

    deinit { abandon() }

    /// A new file `name` (relative, inside a subdirectory made with `makeDirectory`) in the staged directory;
    /// commit it before committing the directory.
    public func file(named name: String) throws -> OutputFile {
        try checkOpen()
        try OutputDirectory.checkName(name)
        let file = try OutputFile(
            creating: stagingPath + "/" + name, force: false, announce: nil, removeOnSignal: true)
        files.append(file)
        return file
    }

    /// Writes `bytes` as the file `name` and commits it.
    public func write(_ bytes: [UInt8], toFile name: String) throws {
        let file = try file(named: name)
        try file.write(bytes)
        try file.commit()
    }

    /// Makes the subdirectory `name` (relative) in the staged directory.
    public func makeDirectory(named name: String) throws {
        try checkOpen()
        try OutputDirectory.checkName(name)
        let full = stagingPath + "/" + name
        let slot = rnx_cleanup_add(Int32(RNX_CLEANUP_DIRECTORY.rawValue), full, nil)
        guard mkdir(full, 0o755) == 0 else {
            let reason = OutputFile.errnoText()
            rnx_cleanup_remove(slot)
            throw CheckpointError.cannotCreate(reason: reason)
        }
        subdirectories.append(full)
        extraSlots.append(slot)
    }

    /// Puts the staged directory at `path`: never replacing an existing one without `force`, and with `force`
    /// replacing it in one step. Every file must have been committed. On any error nothing is left.
    ///
    /// - Throws: `CheckpointError.writeFailed` (exit 74) or `.outputExists`.
    public func commit() throws {
        try checkOpen()
        do {
            if let unfinished = files.first(where: { !$0.isFinished }) {
                throw CheckpointError.writeFailed(
                    reason: "\(URL(fileURLWithPath: unfinished.path).lastPathComponent) was never finished")
            }
            for directory in subdirectories.reversed() { OutputFile.syncDirectory(directory) }
            OutputFile.syncDirectory(stagingPath)
            try publish()
        } catch {
            abandon()
            throw error
        }
        finished = true
        OutputFile.syncDirectory(OutputFile.directory(of: path))
        forget()
    }

    /// Removes the staged directory and everything in it; does nothing after `commit()`. Safe to call twice.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for file in files { file.abandon() }
        try? FileManager.default.removeItem(atPath: stagingPath)
        forget()
    }

    private func forget() {
        for slot in extraSlots { rnx_cleanup_remove(slot) }
        extraSlots = []
        rnx_cleanup_remove(cleanupSlot)
        cleanupSlot = -1
        for file in files { file.forgetPath() }
        files = []
    }

    private func publish() throws {
        // RENAME_NOREPLACE: rename(2) alone would silently replace an empty directory that appeared meanwhile.
        if rnx_rename2(stagingPath, path, 0) == 0 { return }
        var code = errno
        if code == ENOSYS || code == EINVAL {
            var info = stat()
            if lstat(path, &info) != 0 {
                guard rename(stagingPath, path) == 0 else { throw CheckpointError.writeFailed(reason: OutputFile.errnoText()) }
                return
            }
            code = EEXIST
        }
        guard code == EEXIST || code == ENOTEMPTY else { throw CheckpointError.writeFailed(reason: strerrorText(code)) }
        guard force else { throw CheckpointError.outputExists }
        // Swap: the new directory takes the old one's place, the old one moves to the staging name to be removed.
        if rnx_rename2(stagingPath, path, 1) == 0 {
            try? FileManager.default.removeItem(atPath: stagingPath)
            return
        }
        let aside = OutputFile.hiddenName(for: path)
        guard rename(path, aside) == 0 else { throw CheckpointError.writeFailed(reason: OutputFile.errnoText()) }
        guard rename(stagingPath, path) == 0 else {
            let reason = OutputFile.errnoText()
            rename(aside, path)
            throw CheckpointError.writeFailed(reason: reason)
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    private func checkOpen() throws {
        guard !finished else { throw CheckpointError.writeFailed(reason: "the output was already closed") }
    }

    private func strerrorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Names inside the output stay inside it.
    private static func checkName(_ name: String) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { throw CheckpointError.cannotCreate(reason: "'\(name)' is not a name inside the output directory") }
    }

    /// Like `OutputFile.checkDestination`, and also refuses a destination that holds an input (replacing the
    /// folder would delete it).
    public static func checkDestination(_ path: String, force: Bool, inputs: [String]) throws {
        guard let output = try OutputFile.existingDestination(path, force: force) else { return }
        for input in inputs {
            // The input itself, or any directory it is in (through symbolic links: the real path's parents).
            var candidate = URL(fileURLWithPath: input).resolvingSymlinksInPath().path
            while true {
                if OutputFile.isFile(candidate, output) { throw CheckpointError.outputIsInput(input: input) }
                let parent = (candidate as NSString).deletingLastPathComponent
                if parent == candidate || parent.isEmpty { break }
                candidate = parent
            }
        }
        if !force { throw CheckpointError.outputExists }
    }
}
