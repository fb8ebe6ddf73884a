import Foundation
import KLPTestSupport
import Testing

// The help overlay in a tmux pane: its title says what closes it, its scrolling keys scroll it, any other key
// (q included) closes it and does nothing else, and it lists the keys of the one key table the key bar uses.

@Suite(.serialized) struct TmuxHelpTests {
    @Test func scrollingKeysScrollAndAnyOtherKeyOnlyCloses() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-help", columns: 80, rows: 24)
        defer { tmux.close(removing: dir) }
        try tmux.type("\(BuiltProducts.klpConvert) tui")
        try tmux.waitFor("3 to decide")
        try tmux.keys("?")
        // The title says what closes it, and the key bar is the help's own (waited for together: a frame is
        // drawn in one go, but tmux may show it half-way).
        var screen = try tmux.waitUntil("the help with its title, scroll mark and key bar") {
            $0.contains("Keys · ↑ ↓ PgUp PgDn scroll · any other key closes") && $0.contains(" 1-20/")
                && $0.contains("any other key closes the help")
        }
        try tmux.keys("j", "j")
        screen = try tmux.waitFor(" 3-22/")
        try tmux.keys("PageDown")
        screen = try tmux.waitFor(" 13-32/")
        try tmux.keys("G")
        screen = try tmux.waitUntil("the end of the help") { $0.contains("export weak done") }
        try tmux.keys("k")
        try tmux.waitUntil("one line up from the end") { !$0.contains("export weak done") }
        // q closes the help and does not quit; the overview is back with its key bar.
        try tmux.keys("q")
        screen = try tmux.waitFor("Enter pick")
        #expect(!screen.contains("Keys · "))
        #expect(!screen.contains("Quit anyway"))
        try tmux.keys("q")
        try tmux.waitUntil("the shell") { $0.split(separator: "\n").last == "$" }
    }
}
