import Foundation
import KLPEngine
import KLPTestSupport
import Testing

// Prompts in a tmux pane: on the line above the key bar, with their own keys; Tab completes a file name from
// the folder; `w` writes the converted object from the snippet screen too; f saves the snippet there.

@Suite(.serialized) struct TmuxPromptTests {
    @Test func promptsSitAtTheBottomWithTheirKeysAndTabCompletes() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-prompt", columns: 80, rows: 24)
        defer { tmux.close(removing: dir) }
        for name in ["alpha.choices", "alps.choices"] {
            try "# klp-convert choices\ninit_once vmlinux 2\n".write(
                toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: "\(dir)/saved", withIntermediateDirectories: false)
        try tmux.type("\(BuiltProducts.klpConvert) tui -o out.ko")
        try tmux.waitFor("3 to decide")

        // `w` on the snippet screen is the same `w` as everywhere: write the converted object.
        try tmux.keys("s")
        try tmux.waitFor("f saves this to a file")
        try tmux.keys("w")
        var screen = try tmux.waitUntil("no write: errors left") { $0.contains("Cannot write: 3 errors left") }
        try tmux.keys("f")
        screen = try tmux.waitFor("Save the snippet to: out-relocs.c")
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        #expect(
            lines[lines.count - 2].hasPrefix(" Save the snippet to: out-relocs.c"), "the prompt is above the key bar")
        #expect(lines[lines.count - 1].hasPrefix(" Enter accept  Esc cancel  Tab complete the file name"))
        #expect(!screen.contains("q quit"), "the panel's keys are not offered while typing")
        try tmux.keys("C-u")
        try tmux.send("sa")
        try tmux.keys("Tab")
        try tmux.waitFor("Save the snippet to: saved/")
        try tmux.send("relocs.c")
        try tmux.keys("Enter")
        try tmux.waitFor("Saved the snippet to saved/relocs.c")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/saved/relocs.c"))

        // Load choices: Tab lists two matches, completes their common start, a letter more makes it unique.
        try tmux.keys("o", "L", "C-u")
        try tmux.send("a")
        try tmux.keys("Tab")
        screen = try tmux.waitFor("2 matches: alpha.choices  alps.choices")
        #expect(screen.contains("Load choices from: alp"))
        try tmux.send("h")
        try tmux.keys("Tab")
        try tmux.waitFor("Load choices from: alpha.choices")
        try tmux.keys("Enter")
        try tmux.waitFor("Loaded 1 choice from alpha.choices")
        // Esc cancels a prompt and says so.
        try tmux.keys("S")
        try tmux.waitFor("Save choices to:")
        try tmux.keys("Escape")
        try tmux.waitFor("Cancelled")
        try tmux.keys("q")
    }
}
