import Foundation

/// A progress bar on stderr for forward passes, shown only when stderr is a terminal and the work passes 1 s.
final class ForwardProgress {
    private let label: String
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    init(_ label: String) {
        self.label = label
    }

    /// Redraws the bar for `done` of `total` units.
    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0, Date().timeIntervalSince(start) > 1 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        drawn = true
    }

    /// Clears the bar's line.
    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
