import COutputCleanup

/// Removing interrupted outputs on SIGINT, SIGTERM and SIGHUP: the command line's choice, not the library's.
extension OutputFile {
    /// Installs rnx's handlers for SIGINT, SIGTERM and SIGHUP, once per process: while an output is being written,
    /// a signal removes its temporary files, prints `rnx: OUTPUT: interrupted by SIGINT; the output was not
    /// written` on standard error and exits with 128 + the signal's number; with no output in progress the
    /// process dies of the signal as it would have without them. A signal the process ignores stays ignored.
    ///
    /// `rnx` calls this as it starts. A library user calls it only to get the same behaviour in a command-line
    /// program: without it rnx installs no handler, so a host's own shutdown handling stays in charge (an unnamed
    /// `O_TMPFILE` output vanishes with the process anyway; a hidden named fallback file is removed when its
    /// writer is abandoned or released, and only a signal that kills the process can leave it behind).
    public static func removeInterruptedOutputsOnSignal() {
        rnx_cleanup_enable()
    }

    /// Whether ``removeInterruptedOutputsOnSignal()`` has installed the handlers in this process.
    public static var removesInterruptedOutputsOnSignal: Bool { rnx_cleanup_installed() != 0 }
}
