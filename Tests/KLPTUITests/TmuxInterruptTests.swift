import Foundation
import KLPEngine
import KLPTestSupport
import Testing

// Ctrl-C as a person presses it: klp-convert tui runs from an interactive shell in a tmux pane, one C-c ends it,
// the terminal is the shell's again, the unsaved choices are on stderr as a choices file, the status is 130.

@Suite(.serialized) struct TmuxInterruptTests {
    @Test func oneCtrlCQuitsRestoresTheTerminalAndPrintsUnsavedChoices() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-int")
        defer { tmux.close(removing: dir) }
        try tmux.type("\(BuiltProducts.klpConvert) tui 2> unsaved.choices")
        try tmux.waitFor("3 to decide")
        try tmux.keys("Enter")
        try tmux.waitFor("Pick a candidate")
        try tmux.keys("Enter")
        try tmux.waitFor("2 to decide")
        try tmux.keys("C-c")
        // Once only: the shell's prompt comes back, and what is typed there echoes (the terminal is restored).
        try tmux.waitUntil("the shell after one Ctrl-C") { $0.split(separator: "\n").last == "$" }
        try tmux.type("echo EXIT=$?")
        let screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("\nEXIT=130\n"))
        #expect(!screen.contains("Symbols 7"))  // curses left the alternate screen
        // stderr is a choices file as it stands: it loads, and replays the pick.
        let stderr = try String(contentsOfFile: "\(dir)/unsaved.choices", encoding: .utf8)
        #expect(stderr.hasPrefix("# klp-convert tui: interrupted with unsaved choices"))
        #expect(
            try ChoicesFile.load(path: "\(dir)/unsaved.choices") == [
                "init_once": SymbolTarget(object: "vmlinux", position: 1)
            ])
    }
}
