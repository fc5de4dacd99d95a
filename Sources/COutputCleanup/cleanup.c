#define _GNU_SOURCE
#include "COutputCleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// A process writes a handful of outputs at a time (a directory output: one entry per file); 256 is plenty.
#define RNX_CLEANUP_SLOTS 256

struct rnx_cleanup_entry {
    int kind;
    char *path;
    char *output;
};

// Entries are allocated in normal context and published with one atomic store. They are never freed: the handler
// may be reading one on another thread at the moment the writer forgets it. Each is a few dozen bytes.
static _Atomic(struct rnx_cleanup_entry *) entries[RNX_CLEANUP_SLOTS];
static atomic_int installed;
// Set by rnx_cleanup_enable: a library must not take over a host program's signals, so only the command line (or a
// program that asks) gets the handlers; entries are registered either way.
static atomic_int enabled;
static int stderr_is_terminal;

static void put(const char *text) {
    size_t length = strlen(text);  // strlen is async-signal-safe (POSIX.1-2016)
    while (length > 0) {
        ssize_t written = write(2, text, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return;
        }
        text += written;
        length -= (size_t)written;
    }
}

static void handle(int signal_number) {
    const char *name = signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM" : "SIGHUP";
    const char *output = NULL;
    int any = 0;
    for (int i = 0; i < RNX_CLEANUP_SLOTS; i++) {
        struct rnx_cleanup_entry *entry = atomic_load(&entries[i]);
        if (entry == NULL) continue;
        any = 1;
        if (output == NULL && entry->output != NULL) output = entry->output;
        if (entry->kind == RNX_CLEANUP_FILE && entry->path != NULL) unlink(entry->path);
    }
    for (int i = RNX_CLEANUP_SLOTS - 1; i >= 0; i--) {
        struct rnx_cleanup_entry *entry = atomic_load(&entries[i]);
        if (entry != NULL && entry->kind == RNX_CLEANUP_DIRECTORY && entry->path != NULL) rmdir(entry->path);
    }
    if (!any) {
        // No output in progress: die of the signal, as if rnx had never handled it (it is blocked while this
        // handler runs, so unblock it after restoring the default action).
        signal(signal_number, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal_number);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(signal_number);
        _exit(128 + signal_number);
    }
    if (stderr_is_terminal) put("\r\033[K");  // over a progress bar, if one is drawn
    put("rnx: ");
    if (output != NULL) {
        put(output);
        put(": ");
    }
    put("interrupted by ");
    put(name);
    put("; the output was not written\n");
    _exit(128 + signal_number);
}

static void install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    stderr_is_terminal = isatty(2);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle;
    // Other threads' reads and writes resume after a signal that the handler leaves to the default action (with no
    // output registered), instead of failing with EINTR in code that does not expect it.
    action.sa_flags = SA_RESTART;
    sigfillset(&action.sa_mask);  // one handler at a time: a second signal waits for the first one's _exit
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    sigset_t handled;
    sigemptyset(&handled);
    for (int i = 0; i < 3; i++) {
        struct sigaction previous;
        // A signal the parent told us to ignore (nohup, a shell's background job) stays ignored.
        if (sigaction(signals[i], NULL, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
        sigaction(signals[i], &action, NULL);
        sigaddset(&handled, signals[i]);
    }
    // A blocked mask is inherited across exec (Foundation's Process leaves its caller's): a blocked SIGINT would
    // stay pending until exit, so rnx would finish the write it was asked to stop. This thread takes them.
    pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
}

static char *copy(const char *text) {
    return text == NULL ? NULL : strdup(text);
}

int rnx_cleanup_add(int kind, const char *path, const char *output) {
    struct rnx_cleanup_entry *entry = malloc(sizeof *entry);
    if (entry == NULL) return -1;
    entry->kind = kind;
    entry->path = copy(path);
    entry->output = copy(output);
    if ((path != NULL && entry->path == NULL) || (output != NULL && entry->output == NULL)) {
        free(entry->path);
        free(entry->output);
        free(entry);
        return -1;
    }
    if (atomic_load(&enabled)) install();
    for (int i = 0; i < RNX_CLEANUP_SLOTS; i++) {
        struct rnx_cleanup_entry *empty = NULL;
        if (atomic_compare_exchange_strong(&entries[i], &empty, entry)) return i;
    }
    free(entry->path);
    free(entry->output);
    free(entry);
    return -1;
}

void rnx_cleanup_enable(void) {
    atomic_store(&enabled, 1);
    install();
}

int rnx_cleanup_installed(void) {
    return atomic_load(&installed);
}

void rnx_cleanup_remove(int slot) {
    if (slot < 0 || slot >= RNX_CLEANUP_SLOTS) return;
    atomic_store(&entries[slot], NULL);
}

int rnx_cleanup_count(void) {
    int count = 0;
    for (int i = 0; i < RNX_CLEANUP_SLOTS; i++) {
        if (atomic_load(&entries[i]) != NULL) count++;
    }
    return count;
}

int rnx_o_tmpfile(void) {
#ifdef O_TMPFILE
    return O_TMPFILE;
#else
    return 0;
#endif
}

int rnx_at_empty_path(void) {
#ifdef AT_EMPTY_PATH
    return AT_EMPTY_PATH;
#else
    return 0;
#endif
}

int rnx_rename2(const char *from, const char *to, int exchange) {
#if defined(__linux__) && defined(SYS_renameat2)
    // RENAME_NOREPLACE 1, RENAME_EXCHANGE 2 (<linux/fs.h>); the raw syscall works with any glibc.
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, exchange ? 2u : 1u);
#else
    (void)from;
    (void)to;
    (void)exchange;
    errno = ENOSYS;
    return -1;
#endif
}
