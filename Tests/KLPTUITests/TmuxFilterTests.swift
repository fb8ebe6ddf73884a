import Foundation
import KLPTestSupport
import Testing

// `/` narrows the list that has the focus, typed in a tmux pane: in the picker the candidates, in the symbols
// list the symbols; n / N walk the matches; ] goes to the next symbol to decide, and `?` says so.

@Suite(.serialized) struct TmuxFilterTests {
    @Test func slashInThePickerFiltersCandidatesAndNWalksThem() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-filter", columns: 120, rows: 40)
        defer { tmux.close(removing: dir) }
        try tmux.type("\(BuiltProducts.klpConvert) tui")
        try tmux.waitFor("3 to decide")
        try tmux.keys("Enter")
        try tmux.waitFor("Pick a candidate (4)")
        try tmux.send("/inode")
        var screen = try tmux.waitFor("Pick a candidate (3/4) · filter \"inode\"")
        #expect(screen.contains("Filter candidates: inode"))
        #expect(screen.contains("┌─ Symbols 7: "))  // the symbols list is not filtered
        #expect(!screen.contains("super.c"))
        try tmux.keys("Enter", "n", "n")
        screen = try tmux.waitFor("▸( ) nfs")
        try tmux.keys("N")
        screen = try tmux.waitFor("▸( ) vmlinux    3  fat_inode.c")
        try tmux.keys("Enter")
        try tmux.waitFor("init_once → vmlinux,3")
        try tmux.keys("Escape")  // clears the picker's filter
        screen = try tmux.waitFor("Pick a candidate (4)")
        #expect(screen.contains("super.c"))

        // Esc again goes back to the symbols list, where / filters symbols; ] goes to the next symbol to decide.
        try tmux.keys("Escape")
        try tmux.waitFor("Candidates (4)")
        try tmux.send("/s_")
        screen = try tmux.waitFor("Symbols 2/7 · filter \"s_\"")
        try tmux.keys("Enter", "Escape")
        try tmux.waitFor("Symbols 7: 2 to decide")
        try tmux.keys("g", "]")
        screen = try tmux.waitFor("▸AMBIG!   s_start")
        try tmux.keys("]")  // wraps around to the top: the missing symbol comes first
        try tmux.waitFor("▸MISSING! klp_example_missing_helper")
        try tmux.keys("?")
        screen = try tmux.waitFor("Next symbol that needs a decision")
        #expect(screen.contains("n "), "n is listed in the help")
        #expect(
            screen.split(separator: "\n").contains {
                $0.contains("]") && $0.contains("Next symbol that needs a decision")
            })
        try tmux.keys("q")
    }
}
