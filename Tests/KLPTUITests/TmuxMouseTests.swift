import Foundation
import KLPTestSupport
import Testing

// The mouse in a tmux pane, as xterm reports it (X10 encoding, which tmux-256color's kmous names): a click
// selects a row and focuses its panel, a double click picks, the wheel scrolls the list under the pointer;
// --no-mouse leaves the mouse to the terminal (tmux shows whether the program asked for mouse reports).

@Suite(.serialized) struct TmuxMouseTests {
    /// Bytes a terminal sends for a mouse event at 0-based `row`, `column` (X10: ESC [ M, then 32 + button,
    /// 33 + column, 33 + row; button 3 is the release, 64 and 65 the wheel).
    static func report(_ button: Int, row: Int, column: Int) -> String {
        "\u{1b}[M" + String(UnicodeScalar(UInt8(32 + button))) + String(UnicodeScalar(UInt8(33 + column)))
            + String(UnicodeScalar(UInt8(33 + row)))
    }

    static func click(row: Int, column: Int) -> String {
        report(0, row: row, column: column) + report(3, row: row, column: column)
    }

    func mouse(_ tmux: TmuxSession, _ bytes: String) throws { try tmux.send(bytes) }

    @Test func clickSelectsDoubleClickPicksWheelScrolls() throws {
        let (tmux, dir) = try TmuxSession.shellInTemporaryDirectory("tmux-mouse", columns: 90, rows: 30)
        defer { tmux.close(removing: dir) }
        try tmux.type("\(BuiltProducts.klpConvert) tui")
        var screen = try tmux.waitFor("3 to decide")
        #expect(try tmux.run(["display", "-p", "-t", "s", "#{mouse_standard_flag}"]) == "1\n")
        // Row 4 of the screen is the third symbol, s_start.
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[4].contains("AMBIG!   s_start"))
        try mouse(tmux, Self.click(row: 4, column: 12))
        screen = try tmux.waitFor("▸AMBIG!   s_start")
        // A double click on the second candidate (frame, heading, then candidates) picks it.
        let pickerTop = try #require(
            screen.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("─ Candidates (3)") })
        let row = pickerTop + 3, column = 70
        try mouse(tmux, Self.click(row: row, column: column) + Self.click(row: row, column: column))
        screen = try tmux.waitFor("s_start → vmlinux,2")
        #expect(screen.contains("▸(•) vmlinux    2"))

        // The wheel scrolls the list under the pointer: the database search's rows, three at a time.
        try tmux.keys("d", "Escape")
        screen = try tmux.waitFor("type / to search names")
        let firstRow = try #require(
            screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("│▸") })
        try mouse(tmux, Self.report(65, row: firstRow, column: 30))
        screen = try tmux.waitUntil("the cursor three rows down") { text in
            let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
            return rows.count > firstRow + 3 && rows[firstRow + 3].contains("│▸")
        }
        try tmux.keys("q", "y")
        try tmux.waitUntil("the shell") { $0.split(separator: "\n").last == "$" }

        // --no-mouse: the program asks the terminal for no mouse reports (tmux keeps selection for itself).
        try tmux.type("\(BuiltProducts.klpConvert) tui --no-mouse")
        try tmux.waitFor("3 to decide")
        #expect(try tmux.run(["display", "-p", "-t", "s", "#{mouse_standard_flag}"]) == "0\n")
        try tmux.keys("q")
    }
}
