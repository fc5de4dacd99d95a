import COutputCleanup
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that appears at its destination complete, or not at all: every file rnx writes goes through one.
///
/// On Linux the data goes into an unnamed file in the destination's directory (`open(dir, O_TMPFILE)`), which
/// `commit()` syncs and then links into place; a process killed at any moment, even by SIGKILL or a power cut,
/// leaves nothing, because the kernel frees an unnamed file when its last descriptor closes. Where the file system
/// refuses `O_TMPFILE` (or elsewhere), the data goes into a hidden named file beside the destination
/// (`.NAME.rnx-PID-RANDOM`) that SIGINT, SIGTERM and SIGHUP remove before rnx exits 130, 143 or 129 with one line
/// saying the output was not written (`COutputCleanup`); only SIGKILL or a power cut can leave that one behind.
/// With either, an interrupted write prints that line and exits with that status.
///
/// Replacing (`force`) never damages the old file: the new one is complete and synced before it is renamed over
/// the old one in one step. `abandon()` (or deinit before `commit()`) removes whatever was written.
///
/// ```swift
/// let file = try OutputFile(path: "out.rnw", force: options.force, inputs: [input])
/// try file.write(bytes)        // as often as needed; `write(_:at:)` patches
/// try file.commit()            // or file.abandon(); an uncommitted file is abandoned when released
/// ```
///
/// Setting the environment variable `RNX_NO_O_TMPFILE=1` makes rnx use the named fallback everywhere (for tests).
public final class OutputFile {
    /// Where the file appears on `commit()`.
    public let path: String
    /// The open file; valid until `commit()` or `abandon()`.
    public private(set) var descriptor: Int32
    /// Bytes appended by `write(_:)` so far.
    public private(set) var size = 0
    /// Whether the data goes into a named temporary file (the fallback) rather than an unnamed one.
    public var isNamedTemporary: Bool { temporary != nil }

    private let force: Bool
    private let temporary: String?
    private var cleanupSlots: [Int32] = []
    /// The entry that removes `path` itself on a signal (a file inside an unfinished `OutputDirectory`); it
    /// outlives `commit()` until the directory lets go of it.
    private var pathSlot: Int32 = -1
    private var writeback: Writeback
    private var finished = false

    /// Refuses a destination `path` that exists (unless `force`), that is a directory, or that is one of `inputs`
    /// (the same file, also through a hard link or a symbolic link), then creates the file beside it.
    ///
    /// - Throws: `CheckpointError.outputExists`, `.outputIsInput`, `.cannotCreate`.
    public convenience init(path: String, force: Bool = false, inputs: [String] = []) throws {
        try OutputFile.checkDestination(path, force: force, inputs: inputs)
        try self.init(creating: path, force: force, announce: path, removeOnSignal: false)
    }

    /// Creates the file that will become `path`.
    ///
    /// - Parameters:
    ///   - announce: the output an interruption message names (nil inside an `OutputDirectory`, which names itself).
    ///   - removeOnSignal: whether a signal must also unlink `path` itself (a file committed inside a directory
    ///     still being written).
    init(creating path: String, force: Bool, announce: String?, removeOnSignal: Bool) throws {
        self.path = path
        self.force = force
        let directory = OutputFile.directory(of: path)
        var fd: Int32 = -1
        var temporary: String?
        var slots: [Int32] = []
        let pathSlot = removeOnSignal ? rnx_cleanup_add(Int32(RNX_CLEANUP_FILE.rawValue), path, nil) : -1
        if OutputFile.unnamedFilesAllowed {
            fd = open(directory, rnx_o_tmpfile() | O_RDWR | O_CLOEXEC, 0o644)
            if fd < 0 && !OutputFile.refusesUnnamedFiles(errno) {
                let reason = String(cString: strerror(errno))
                rnx_cleanup_remove(pathSlot)
                throw CheckpointError.cannotCreate(reason: reason)
            }
        }
        if fd >= 0 {
            slots.append(rnx_cleanup_add(Int32(RNX_CLEANUP_NOTHING.rawValue), nil, announce))
        } else {
            let name = OutputFile.hiddenName(for: path)
            // Registered before it exists, so no moment has the file on disk and the handler unaware of it.
            slots.append(rnx_cleanup_add(Int32(RNX_CLEANUP_FILE.rawValue), name, announce))
            fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                slots.forEach(rnx_cleanup_remove)
                rnx_cleanup_remove(pathSlot)
                throw CheckpointError.cannotCreate(reason: reason)
            }
            temporary = name
        }
        self.descriptor = fd
        self.temporary = temporary
        self.cleanupSlots = slots
        self.pathSlot = pathSlot
        self.writeback = Writeback(descriptor: fd)
    }

    deinit { abandon() }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw CheckpointError.writeFailed(reason: "the output was already closed") }
        try writeFully(descriptor, bytes)
        size += bytes.count
        writeback.written(upTo: size)
    }

    /// Overwrites `bytes` at `offset` (for values only known at the end, such as a digest in a header).
    public func write(_ bytes: [UInt8], at offset: Int) throws {
        guard !finished else { throw CheckpointError.writeFailed(reason: "the output was already closed") }
        try writeFully(descriptor, bytes, at: offset)
    }

    /// Syncs the data and puts the file at `path`: atomically replacing an old file with `force`, else never
    /// replacing one (an output that appeared meanwhile is `outputExists`). On any error nothing is left.
    ///
    /// - Throws: `CheckpointError.writeFailed` (exit 74) or `.outputExists`.
    public func commit() throws {
        guard !finished else { throw CheckpointError.writeFailed(reason: "the output was already closed") }
        do {
            guard fsync(descriptor) == 0 else { throw CheckpointError.writeFailed(reason: OutputFile.errnoText()) }
            if let temporary {
                try OutputFile.publish(temporary, as: path, force: force)
            } else {
                try publishUnnamed()
            }
        } catch {
            abandon()
            throw error
        }
        // The data is synced and in place; a late close error (NFS) cannot be reported as "not written".
        close(descriptor)
        descriptor = -1
        finished = true
        OutputFile.syncDirectory(OutputFile.directory(of: path))
        forget()
    }

    /// Closes the file and removes whatever was written; does nothing after `commit()`. Safe to call twice.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if let temporary { unlink(temporary) }
        forget()
        forgetPath()
    }

    private func forget() {
        cleanupSlots.forEach(rnx_cleanup_remove)
        cleanupSlots = []
    }

    /// Lets go of the signal entry for `path` itself (its directory was committed or removed).
    func forgetPath() {
        rnx_cleanup_remove(pathSlot)
        pathSlot = -1
    }

    /// Whether the file was committed or abandoned.
    var isFinished: Bool { finished }

    /// Links the unnamed file into place: directly without `force` (link(2) never replaces), else under a hidden
    /// name that is then renamed over the old file, so the old file is whole until the new one replaces it.
    private func publishUnnamed() throws {
        if !force {
            if linkDescriptor(to: path) { return }
            if errno == EEXIST { throw CheckpointError.outputExists }
            throw CheckpointError.writeFailed(reason: OutputFile.errnoText())
        }
        let name = OutputFile.hiddenName(for: path)
        let slot = rnx_cleanup_add(Int32(RNX_CLEANUP_FILE.rawValue), name, nil)
        defer { rnx_cleanup_remove(slot) }
        guard linkDescriptor(to: name) else { throw CheckpointError.writeFailed(reason: OutputFile.errnoText()) }
        guard rename(name, path) == 0 else {
            let reason = OutputFile.errnoText()
            unlink(name)
            throw CheckpointError.writeFailed(reason: reason)
        }
    }

    /// Gives the unnamed file the name `target`; false with errno set on failure.
    private func linkDescriptor(to target: String) -> Bool {
        let emptyPath = rnx_at_empty_path()
        if emptyPath != 0 && linkat(descriptor, "", AT_FDCWD, target, emptyPath) == 0 { return true }
        if errno == EEXIST { return false }
        // Before Linux 6.10 AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH (ENOENT without it); linking the descriptor's
        // /proc entry does the same for anyone.
        return linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, target, AT_SYMLINK_FOLLOW) == 0
    }

    /// Moves a finished named file into place: rename(2) with `force`, else link(2), which fails if the
    /// destination appeared meanwhile where rename would silently replace it.
    static func publish(_ temporary: String, as destination: String, force: Bool) throws {
        if force {
            guard rename(temporary, destination) == 0 else { throw CheckpointError.writeFailed(reason: errnoText()) }
            return
        }
        if link(temporary, destination) == 0 {
            unlink(temporary)
            return
        }
        if errno == EEXIST { throw CheckpointError.outputExists }
        // No hard links on this file system: renameat2's RENAME_NOREPLACE, else a last check and rename.
        if rnx_rename2(temporary, destination, 0) == 0 { return }
        if errno == EEXIST { throw CheckpointError.outputExists }
        if access(destination, F_OK) == 0 { throw CheckpointError.outputExists }
        guard rename(temporary, destination) == 0 else { throw CheckpointError.writeFailed(reason: errnoText()) }
    }

    /// Writes a small output (an SVG, a report) whole: created unnamed, filled, synced and linked into place.
    ///
    /// - Throws: as `init(path:force:inputs:)`, `write(_:)` and `commit()`.
    public static func write(_ bytes: [UInt8], to path: String, force: Bool, inputs: [String]) throws {
        let file = try OutputFile(path: path, force: force, inputs: inputs)
        try file.write(bytes)
        try file.commit()
    }

    /// The checks made before anything is created; call it early to refuse before a long computation.
    ///
    /// - Throws: `CheckpointError.outputIsInput` if `path` is one of `inputs` (same device and inode, so hard and
    ///   symbolic links count), `.outputExists` if it exists without `force`, `.cannotCreate` if it is a directory.
    public static func checkDestination(_ path: String, force: Bool, inputs: [String]) throws {
        guard let output = try existingDestination(path, force: force) else { return }
        for input in inputs where isFile(input, output) { throw CheckpointError.outputIsInput(input: input) }
        if !force { throw CheckpointError.outputExists }
        if (output.st_mode & S_IFMT) == S_IFDIR { throw CheckpointError.cannotCreate(reason: "it is a directory") }
    }

    /// What is at `path` (following symbolic links), or nil if nothing is; a dangling symbolic link is an
    /// existing output too without `force` (link(2) would refuse it), and nothing to check with it.
    static func existingDestination(_ path: String, force: Bool) throws -> stat? {
        var output = stat()
        if stat(path, &output) == 0 { return output }
        var link = stat()
        if lstat(path, &link) == 0 && !force { throw CheckpointError.outputExists }
        return nil
    }

    /// Whether `path` is the file `info` describes (same device and inode).
    static func isFile(_ path: String, _ info: stat) -> Bool {
        var other = stat()
        return stat(path, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
    }

    /// Whether to try `O_TMPFILE` at all: where the platform has it, unless `RNX_NO_O_TMPFILE` is set.
    static let unnamedFilesAllowed: Bool = {
        guard rnx_o_tmpfile() != 0 else { return false }
        guard let value = getenv("RNX_NO_O_TMPFILE") else { return true }
        return String(cString: value).isEmpty || String(cString: value) == "0"
    }()

    /// Errors with which a file system (or an old kernel) says it has no `O_TMPFILE`.
    static func refusesUnnamedFiles(_ code: Int32) -> Bool {
        code == EOPNOTSUPP || code == ENOTSUP || code == EISDIR || code == EINVAL || code == ENOSYS
    }

    /// A fresh hidden name beside `path`: `.NAME.rnx-PID-RANDOM`.
    static func hiddenName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).rnx-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : directory + "/" + name
    }

    /// The directory `path` is in, `.` for a bare name.
    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Makes a new directory entry durable. Failures are ignored: the data itself is already synced.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
