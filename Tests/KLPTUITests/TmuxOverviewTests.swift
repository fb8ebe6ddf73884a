import Foundation
import KLPTestSupport
import Testing

// The overview as a person sees it in an 80x24 tmux pane: what needs a decision first, exported symbols folded
// into one row that says why nothing is needed, names not cut while there is room, uses named by the function
// of the livepatch that makes them, the details' status line wrapped instead of cut.

@Suite(.serialized) struct TmuxOverviewTests {
    @Test func attentionOrderFoldedExportsAndUsesNamedByFunction() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-overview", columns: 80, rows: 24)
        defer { tmux.close(removing: dir) }
        try tmux.type("\(BuiltProducts.klpConvert) tui")
        var screen = try tmux.waitFor("┌─ Symbols 7: 3 to decide, 1 exported ")
        var lines = screen.split(separator: "\n").map(String.init)
        let order = [
            "MISSING! klp_example_missing_helper", "AMBIG!   init_once", "AMBIG!   s_start", "annot    state_show",
            "auto     saved_command_line", "auto     xfs_log_force", "[+] 1 exported: nothing to do (e)",
        ]
        for (k, row) in order.enumerated() {
            #expect(lines[2 + k].dropFirst(2).hasPrefix(row), "row \(k): \(lines[2 + k])")
        }
        #expect(!screen.contains("printk"))
        // The status line wraps in the details panel: its end is there, on the next line.
        #expect(screen.contains("[AMBIG!] Ambiguous: 4"))
        #expect(screen.contains("candidates: pick one below"))
        #expect(screen.contains("│          (Enter)"))

        // The folded group opens with e; an exported symbol offers nothing to pick, and says why.
        try tmux.keys("G", "e")
        screen = try tmux.waitFor("[-] 1 exported: nothing to do (e)")
        try tmux.keys("j")
        screen = try tmux.waitFor("Nothing to pick: exported by")
        #expect(!screen.contains("( ) vmlinux"))
        try tmux.keys("Enter")
        try tmux.waitFor("printk: exported by vmlinux: the module loader resolves it; nothing to decide")

        // Uses are named by the livepatch's own function (symbol table), with the section offset.
        _ = try tmux.run(["resize-window", "-t", "s", "-x", "120", "-y", "40"])
        try tmux.keys("g", "j")
        screen = try tmux.waitFor("livepatch_xfs_sync+0x5 (.text+0x85)  R_X86_64_PLT32")
        lines = screen.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("klp_example_ctor+0x0 (.rodata+0x0)  R_X86_64_64") })
        try tmux.keys("q")
    }
}
