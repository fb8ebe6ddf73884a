import Foundation
import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

// Rendered screens at fixed sizes compared with the expected text in Screens/.

@Suite struct RenderTests {
    let workspace: Workspace
    let reducer: Reducer
    let renderer: Renderer

    init() throws {
        workspace = try TUIFixtures.example()
        reducer = Reducer(workspace: workspace)
        renderer = Renderer(workspace: workspace)
    }

    static let sizes = [Size(rows: 24, columns: 80), Size(rows: 40, columns: 120)]

    func screen(_ size: Size, _ actions: [Action]) -> ScreenBuffer {
        var state = reducer.initialState(size: size)
        for a in actions { _ = reducer.reduce(&state, a) }
        return renderer.render(state)
    }

    @Test(arguments: sizes) func overview(size: Size) {
        Golden.expect(screen(size, []).text, named: "overview-\(size)")
    }

    @Test(arguments: sizes) func picker(size: Size) {
        let s = screen(size, [.command(.select), .command(.moveDown), .command(.select)])
        Golden.expect(s.text, named: "picker-\(size)")
    }

    @Test(arguments: sizes) func preview(size: Size) {
        let s = screen(size, [.command(.select), .command(.select), .command(.showPreview)])
        Golden.expect(s.text, named: "preview-\(size)")
    }

    @Test(arguments: sizes) func snippet(size: Size) {
        let s = screen(size, [.command(.select), .command(.moveDown), .command(.select), .command(.showSnippet)])
        Golden.expect(s.text, named: "snippet-\(size)")
    }

    @Test(arguments: sizes) func help(size: Size) {
        Golden.expect(screen(size, [.command(.help)]).text, named: "help-\(size)")
    }

    @Test(arguments: sizes) func database(size: Size) {
        let s = screen(size, [.command(.showDatabase)] + "init".map { .insertText(String($0)) })
        Golden.expect(s.text, named: "database-\(size)")
    }

    @Test func tooSmallTerminalSaysSo() {
        let s = screen(Size(rows: 10, columns: 40), [])
        #expect(s.text.hasPrefix("Terminal too small: 40x10\nklp-convert tui needs 60x16"))
    }

    /// No row is wider than the screen and frames stay closed: a long name must be clipped, never wrapped.
    @Test(arguments: sizes) func longNamesAreClipped(size: Size) throws {
        let dir = try TemporaryDirectory.make("long")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = "a_really_long_symbol_name_that_goes_on_and_on_" + String(repeating: "x", count: 150)
        let db =
            "klp-convert-symbol-data.0.1 order=kallsyms\n*vmlinux\n-ünïcødé_漢字_file_name_that_is_long.c\n"
            + "\(long)\n\(long)\n"
        try db.write(toFile: "\(dir)/symbols.klp", atomically: true, encoding: .utf8)
        try "extern int \(long)(void);\nint f(void) { return \(long)(); }\n".write(
            toFile: "\(dir)/p.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc",
            [
                "-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-fno-asynchronous-unwind-tables", "-o", "\(dir)/p.o",
                "\(dir)/p.c",
            ])
        let ws = try Workspace.load(database: "\(dir)/symbols.klp", object: "\(dir)/p.o", output: nil)
        let r = Reducer(workspace: ws)
        var state = r.initialState(size: size)
        // In the symbols list, the details panel shows the whole name the list cuts.
        #expect(Renderer(workspace: ws).render(state).text.contains("│ name     a_really_long_sym"))
        _ = r.reduce(&state, .command(.select))
        let renderer = Renderer(workspace: ws)
        let text = renderer.render(state).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == size.rows)
        for line in lines { #expect(TextWidth.width(of: line) <= size.columns) }
        #expect(text.contains("…"))
        // The picker's detail panel shows the whole file name too, over as many lines as it takes.
        #expect(text.contains("│ source   ünïcødé_漢字_"))
        #expect(!text.contains("ünïcødé_漢字_file_na…"))
        // Each middle row closes both panels: the symbols frame ends where the details frame starts.
        let left = Layout(size: size, symbolColumns: Renderer.symbolColumns(state)).symbols
        for row in (left.row + 1)..<(left.row + left.rows - 1) {
            let line = Array(String(lines[row]).unicodeScalars)
            #expect(line.count > left.columns && line[left.columns - 1] == "│", "row \(row): \(lines[row])")
        }
    }
}

extension RenderTests {
    @Test func problemsPanelShowsTheWholeProblem() {
        let s = screen(Size(rows: 40, columns: 120), [.command(.nextPanel), .command(.nextPanel), .command(.moveDown)])
        Golden.expect(s.text, named: "problem-details-120x40")
    }
}

extension RenderTests {
    /// At the minimum size every panel still shows content: two candidates, the problems, hidden uses counted.
    @Test func minimumSizeKeepsEveryPanelUseful() {
        let text = screen(Layout.minimum, []).text
        Golden.expect(text, named: "overview-60x16")
        #expect(text.contains("( ) vmlinux    1"))
        #expect(text.contains(" more lines"))
        #expect(text.contains("ERROR    Unable to find missing symbol"))
    }
}
