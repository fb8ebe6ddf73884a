import Foundation
import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

// Whole sessions through AppRunner and a ScriptedTerminal (no tty): keys in, files out.

@Suite struct SessionTests {
    /// Picks both ambiguous symbols with the keyboard, writes the output, and checks it is byte for byte what the
    /// engine (and so the CLI) produces for the same choices; saves the choices and reloads them.
    @Test func keyboardSessionWritesWhatTheEngineWrites() throws {
        let dir = try TemporaryDirectory.make("session")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/out.ko"
        let workspace = try TUIFixtures.complete(in: dir, output: out)
        let runner = AppRunner(workspace: workspace)
        let size = Size(rows: 24, columns: 80)
        var state = runner.reducer.initialState(size: size)
        #expect(state.selectedSymbol?.name == "init_once")
        var keys: [Key] = [.enter, .down, .down, .enter]  // init_once → vmlinux,3
        keys += [.character("]"), .enter, .down, .enter]  // s_start → vmlinux,2
        keys += [.character("w"), .enter]  // write to the proposed path
        keys += [.character("S"), .control("u")] + "\(dir)/picked.choices".map { .character($0) } + [.enter]
        keys += [.character("q")]
        var terminal = ScriptedTerminal(size: size, keys: keys)
        state = runner.run(&terminal, state: state)

        #expect(state.quitting)
        #expect(!state.hasUnsavedChoices)
        let expectedChoices = [
            "init_once": SymbolTarget(object: "vmlinux", position: 3),
            "s_start": SymbolTarget(object: "vmlinux", position: 2),
        ]
        #expect(state.choices == expectedChoices)

        let (plan, converted) = Converter(
            database: workspace.database, options: ConversionOptions(choices: expectedChoices)
        ).convert(workspace.object)
        #expect(!plan.hasErrors)
        let expected = try ELFWriter.bytes(of: try #require(converted))
        #expect(try FileIO.readAll(path: out) == expected)
        #expect(try ChoicesFile.load(path: "\(dir)/picked.choices") == expectedChoices)

        // The CLI, given the same choices, writes the same bytes.
        let cli = BuiltProducts.klpConvert
        try Tool.check(
            cli,
            [
                "convert", "\(TUIFixtures.examples)/symbols.klp", workspace.object.path, "\(dir)/cli.ko",
                "--choose", "init_once=vmlinux,3", "--choose", "s_start=vmlinux,2",
            ])
        #expect(try FileIO.readAll(path: "\(dir)/cli.ko") == expected)

        // A second session loads the choices and finds nothing left to decide.
        var again = runner.reducer.initialState(size: size)
        var t2 = ScriptedTerminal(
            size: size,
            keys: [.character("L"), .control("u")] + "\(dir)/picked.choices".map { .character($0) } + [.enter])
        again = runner.run(&t2, state: again)
        #expect(again.choices == expectedChoices)
        #expect(!again.plan.hasErrors)
        let last = try #require(t2.lastFrame).text
        #expect(last.contains("ready to write"))
        #expect(last.contains("Loaded 2 choices from"))
    }

    @Test func writingAsksBeforeOverwriting() throws {
        let dir = try TemporaryDirectory.make("overwrite")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/out.ko"
        try "keep me".write(toFile: out, atomically: true, encoding: .utf8)
        let workspace = try TUIFixtures.complete(in: dir, output: out)
        let runner = AppRunner(workspace: workspace)
        let choices = [
            "init_once": SymbolTarget(object: "vmlinux", position: 1),
            "s_start": SymbolTarget(object: "vmlinux", position: 1),
        ]
        let size = Size(rows: 24, columns: 80)
        var terminal = ScriptedTerminal(size: size, keys: [.character("w"), .enter, .character("n")])
        _ = runner.run(&terminal, state: runner.reducer.initialState(size: size, choices: choices))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
        #expect(terminal.frames.contains { $0.text.contains("out.ko ") && $0.text.contains("exists. Overwrite it?") })
        #expect(terminal.lastFrame?.text.contains("Not written: ") == true)

        terminal = ScriptedTerminal(size: size, keys: [.character("w"), .enter, .character("y")])
        _ = runner.run(&terminal, state: runner.reducer.initialState(size: size, choices: choices))
        #expect(try ELFObject.read(path: out).sections.contains { $0.name == ".klp.rela.vmlinux..text" })
    }

    @Test func resizeRedrawsAtTheNewSize() throws {
        let runner = AppRunner(workspace: try TUIFixtures.example())
        var terminal = ScriptedTerminal(
            size: Size(rows: 40, columns: 120),
            keys: [
                .resize(Size(rows: 24, columns: 80)), .resize(Size(rows: 12, columns: 50)),
                .resize(Size(rows: 30, columns: 100)),
            ])
        _ = runner.run(&terminal, state: runner.reducer.initialState(size: Size(rows: 40, columns: 120)))
        #expect(
            terminal.frames.map(\.size) == [
                Size(rows: 40, columns: 120), Size(rows: 24, columns: 80), Size(rows: 12, columns: 50),
                Size(rows: 30, columns: 100),
            ])
        #expect(terminal.frames[2].text.hasPrefix("Terminal too small"))
        #expect(terminal.frames[3].text.contains("init_once"))
    }
}
