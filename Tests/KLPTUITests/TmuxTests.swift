import Foundation
import KLPTestSupport
import Testing

// The real binary in a real terminal: a private tmux server drives `klp-convert tui` (bundled example),
// picks a candidate, resizes the window, quits through the unsaved-choices question, and checks the snippet
// printed on exit and the exit status. tmux is started with posix_spawn (KLPTestSupport.ChildProcess).

@Suite(.serialized) struct TmuxTests {
    static var binary: String { BuiltProducts.klpConvert }

    @Test func pickResizeAndQuitInTmux() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build klp-convert first (swift build)")
        let dir = try TemporaryDirectory.make("tmux")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmux = try TmuxSession.tui("--print-snippet", in: dir)
        defer { tmux.kill() }

        var screen = try tmux.waitFor("3 to decide")
        #expect(screen.contains("▸AMBIG!   init_once"))
        #expect(screen.contains("┌─ Symbols 7"))
        try tmux.keys("Enter")
        _ = try tmux.waitFor("Pick a candidate (4)")
        try tmux.keys("Down", "Enter")
        screen = try tmux.waitFor("2 to decide")
        #expect(screen.contains("init_once → vmlinux,2"))

        _ = try tmux.run(["resize-window", "-t", "s", "-x", "80", "-y", "24"])
        // Redrawn for 80 columns: the problems frame spans exactly the new width, nothing is wider.
        screen = try tmux.waitUntil("the 80x24 layout") { text in
            text.split(separator: "\n").contains {
                $0.hasPrefix("┌─ Problems: 2 errors") && $0.unicodeScalars.count == 80
            }
        }
        let lines = screen.dropLast(screen.hasSuffix("\n") ? 1 : 0).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.unicodeScalars.count <= 80 })
        #expect(lines.count <= 24)

        try tmux.keys("q")
        _ = try tmux.waitFor("Quit anyway?")
        try tmux.keys("y")
        #expect(try tmux.exitLine(in: dir) == "EXIT=0\n")
        let stdout = try String(contentsOfFile: "\(dir)/stdout.txt", encoding: .utf8)
        #expect(
            stdout.contains(
                "KLP_MODULE_RELOC(vmlinux) vmlinux_relocs[] = {\n\tKLP_SYMPOS(init_once, 2),\n"
                    + "\tKLP_SYMPOS(state_show, 2),\n};"
            ))
        #expect(try String(contentsOfFile: "\(dir)/stderr.txt", encoding: .utf8) == "")
    }
}
