import RNXTensor
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error, shown only on a terminal and only once work has taken a second.
///
/// Pipes and CI logs never see it, and quick conversions stay silent.
public final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private let delay: TimeInterval
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// A bar labelled `label`, drawn once `delay` seconds have passed.
    ///
    /// - Parameters:
    ///   - label: the text before the bar, e.g. `converting`.
    ///   - isTerminal: whether stderr is a terminal; `isatty(2)` unless a test says otherwise.
    ///   - delay: seconds of work before the bar appears, so quick jobs stay silent.
    public init(label: String, isTerminal: Bool = isatty(2) != 0, delay: TimeInterval = 1) {
        self.label = label
        self.enabled = isTerminal
        self.delay = delay
    }

    /// Redraws at most ten times a second; `note` (e.g. a rate) is shown after the percentage.
    public func update(done: Int, total: Int, note: String) {
        guard enabled, Date().timeIntervalSince(start) >= delay, Date().timeIntervalSince(lastDraw) >= 0.1 else {
            return
        }
        lastDraw = Date()
        drawn = true
        let line = ProgressBar.render(label: label, done: done, total: total) + "  " + note
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Redraws at most ten times a second.
    public func update(done: Int, total: Int) {
        guard enabled, Date().timeIntervalSince(start) >= delay, Date().timeIntervalSince(lastDraw) >= 0.1 else {
            return
        }
        lastDraw = Date()
        drawn = true
        FileHandle.standardError.write(Data(ProgressBar.render(label: label, done: done, total: total).utf8))
    }

    /// Clears the bar if one was drawn.
    public func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `\r LABEL [#####-----]  42%`, 30 cells wide.
    public static func render(label: String, done: Int, total: Int) -> String {
        let fraction = total > 0 ? min(max(Double(done) / Double(total), 0), 1) : 1
        let cells = Int(fraction * 30)
        let bar = String(repeating: "#", count: cells) + String(repeating: "-", count: 30 - cells)
        return "\r\(label) [\(bar)] \(String(Int(fraction * 100)).leftPadded(to: 3))%"
    }
}
