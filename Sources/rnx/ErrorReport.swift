import ArgumentParser
import Foundation
import RNXPickle
import RNXTensor

/// An error that happened while working on one named file.
struct FileError: Error {
    let path: String
    let underlying: Error
}

/// Runs `body`, attaching `path` to any error so the report names the file.
func onFile<T>(_ path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as FileError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        throw FileError(path: path, underlying: error)
    }
}

/// The one place where errors become a line on stderr and an exit status.
enum ErrorReport {
    /// Prints `rnx: FILE: problem` (or `rnx: problem`) and exits with the error's documented status.
    static func exit(with error: Error) -> Never {
        if let exitCode = error as? ExitCode {
            Foundation.exit(exitCode.rawValue)
        }
        var path: String?
        var underlying = error
        if let fileError = error as? FileError {
            path = fileError.path
            underlying = fileError.underlying
        }
        let (rendered, status) = render(underlying)
        guard var message = rendered else {
            // ArgumentParser's own errors (--help, usage) keep its formatting and exit codes.
            RNXCommand.exit(withError: underlying)
        }
        if let hinted = PickleLimitOptions.hinted(underlying) { message = hinted.description }
        let line = ["rnx", path, message].compactMap { $0 }.joined(separator: ": ")
        FileHandle.standardError.write(Data((line + "\n").utf8))
        Foundation.exit(status)
    }

    /// The message and exit status of an rnx error, or nil for errors ArgumentParser renders itself.
    static func render(_ error: Error) -> (String?, Int32) {
        switch error {
        case let error as RNXError:
            return (error.description, error.category.exitStatus)
        case let error as PickleError:
            return (error.description, ErrorCategory.badData.exitStatus)
        case let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileReadNoPermission:
            return ("cannot open: \(error.localizedDescription)", ErrorCategory.cannotOpen.exitStatus)
        default:
            return (nil, 1)
        }
    }
}

/// Prints `rnx: FILE: note: text` on stderr: something rnx assumed about the file rather than read from it.
func printNote(_ path: String, _ text: String) {
    FileHandle.standardError.write(Data("rnx: \(path): note: \(text)\n".utf8))
}
