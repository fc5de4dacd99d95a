@testable import rnx
import Testing

/// The command line's progress bar: the libraries only call back with (done, total); `rnx` draws the text.
struct ProgressBarTests {
    @Test func barText() {
        #expect(ProgressBar.render(label: "converting", done: 0, total: 200) == "\rconverting [------------------------------]   0%")
        #expect(ProgressBar.render(label: "converting", done: 100, total: 200) == "\rconverting [###############---------------]  50%")
        #expect(ProgressBar.render(label: "x", done: 5, total: 0) == "\rx [##############################] 100%")
    }

    /// On a terminal, past the delay: the bar with its note, then the line cleared (`\r` and erase-to-end, ESC [ K).
    @Test func drawsOnATerminalAndClearsWhenFinished() {
        var written: [String] = []
        let bar = ProgressBar(label: "predict", isTerminal: true, delay: 0) { written.append($0) }
        bar.update(done: 3, total: 4, note: "12.0 images/s")
        bar.finish()
        #expect(written == ["\rpredict [######################--------]  75%  12.0 images/s", "\r\u{1B}[K"])
    }

    /// Pipes and logs see nothing, and neither does a terminal before the delay has passed.
    @Test func silentOffATerminalAndBeforeTheDelay() {
        var written: [String] = []
        let piped = ProgressBar(label: "run", isTerminal: false, delay: 0) { written.append($0) }
        piped.update(done: 1, total: 2)
        piped.finish()
        let quick = ProgressBar(label: "run", isTerminal: true, delay: 3600) { written.append($0) }
        quick.update(done: 1, total: 2)
        quick.finish()
        #expect(written.isEmpty)
    }
}
