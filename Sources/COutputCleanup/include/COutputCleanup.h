// What a SIGINT, SIGTERM or SIGHUP must remove while rnx writes an output, and the handler that removes it.
//
// The handler runs in signal context, so it only reads paths registered in advance (C strings in a fixed table,
// published with atomic stores) and calls async-signal-safe functions: unlink, rmdir, write and _exit.
#ifndef RNX_OUTPUT_CLEANUP_H
#define RNX_OUTPUT_CLEANUP_H

/// What the handler does with an entry's path.
enum rnx_cleanup_kind {
    /// Nothing to remove (an unnamed O_TMPFILE file, which the kernel frees); the entry only names the output.
    RNX_CLEANUP_NOTHING = 0,
    /// unlink(2) the path (ENOENT is fine: not created yet, or already renamed away).
    RNX_CLEANUP_FILE = 1,
    /// rmdir(2) the path, after every file entry has been unlinked; later directories first.
    RNX_CLEANUP_DIRECTORY = 2,
};

/// Registers an entry, and installs the handlers for SIGINT, SIGTERM and SIGHUP (once per process) if
/// rnx_cleanup_enable was called.
///
/// `path` may be NULL for RNX_CLEANUP_NOTHING; `output`, when not NULL, is the output the message names ("rnx:
/// OUTPUT: interrupted by SIGINT; the output was not written"). Both strings are copied. Returns the entry's slot
/// (>= 0), or -1 if the table is full or memory ran out.
int rnx_cleanup_add(int kind, const char *path, const char *output);

/// Installs the handlers (once per process) and lets rnx_cleanup_add keep them: the command line calls it at
/// start. A library never does, so a host program's own signal handling is left alone.
void rnx_cleanup_enable(void);

/// Whether the handlers are installed (for tests).
int rnx_cleanup_installed(void);

/// Forgets the entry in `slot` (from rnx_cleanup_add); a negative slot is ignored.
void rnx_cleanup_remove(int slot);

/// How many entries are registered (for tests).
int rnx_cleanup_count(void);

/// The Linux O_TMPFILE open flag (a macro Swift cannot import), or 0 where the platform has none.
int rnx_o_tmpfile(void);

/// linkat(2)'s AT_EMPTY_PATH flag, or 0 where the platform has none.
int rnx_at_empty_path(void);

/// renameat2(2) with RENAME_NOREPLACE (`exchange` 0) or RENAME_EXCHANGE (`exchange` 1); -1 with errno ENOSYS
/// where the kernel or libc has no renameat2.
int rnx_rename2(const char *from, const char *to, int exchange);

#endif
