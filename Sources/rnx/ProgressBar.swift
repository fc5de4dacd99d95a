import RNXTensor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error, shown only on a terminal and only once work has taken a second.
///
/// Pipes and CI logs never see it, and quick conversions stay silent. It lives in the command line because the
/// libraries never print: they report progress through callbacks (`Converter.convert(...progress:)`,
/// `ForwardModel.run(...progress:)`, `Benchmark`, `ONNXExporter`), and `rnx` draws them here. Not `Sendable`: one
/// bar belongs to the command that drew it, and the callbacks it is given run on the calling thread.
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private let delay: TimeInterval
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// A bar labelled `label`, drawn once `delay` seconds have passed.
    ///
    /// - Parameters:
    ///   - label: the text before the bar, e.g. `converting`.
    ///   - isTerminal: whether stderr is a terminal; `isatty(2)` unless a test says otherwise.
    ///   - delay: seconds of work before the bar appears, so quick jobs stay silent.
    ///   - write: where the text goes; standard error unless a test collects it.
    init(
        label: String, isTerminal: Bool = isatty(2) != 0, delay: TimeInterval = 1,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.enabled = isTerminal
        self.delay = delay
        self.write = write
    }

    /// Redraws at most ten times a second; `note` (e.g. a rate) is shown after the percentage.
    func update(done: Int, total: Int, note: String) {
        draw(done: done, total: total, note: note)
    }

    /// Redraws at most ten times a second; the shape of the libraries' `progress` callbacks.
    func update(done: Int, total: Int) {
        draw(done: done, total: total, note: nil)
    }

    private func draw(done: Int, total: Int, note: String?) {
        guard enabled, Date().timeIntervalSince(start) >= delay, Date().timeIntervalSince(lastDraw) >= 0.1 else {
            return
        }
        lastDraw = Date()
        drawn = true
        write(ProgressBar.render(label: label, done: done, total: total) + (note.map { "  " + $0 } ?? ""))
    }

    /// Clears the bar if one was drawn.
    func finish() {
        guard drawn else { return }
        write("\r\u{1B}[K")
    }

    /// `\r LABEL [#####-----]  42%`, 30 cells wide.
    static func render(label: String, done: Int, total: Int) -> String {
        let fraction = total > 0 ? min(max(Double(done) / Double(total), 0), 1) : 1
        let cells = Int(fraction * 30)
        let bar = String(repeating: "#", count: cells) + String(repeating: "-", count: 30 - cells)
        return "\r\(label) [\(bar)] \(String(Int(fraction * 100)).leftPadded(to: 3))%"
    }
}
