import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// One interactive session from start to finish, for the `tui` subcommand: open the terminal, run, restore the
// terminal, then print what was asked for (the snippet) or what would otherwise be lost (unsaved choices
// after Ctrl-C).

public enum TUISession {
    public struct Options: Sendable {
        public var initialChoices: [String: SymbolTarget] = [:]
        public var printSnippet = false
        /// Mouse events (click, double click, wheel) when the terminal reports them.
        public var mouse = true
        public init(initialChoices: [String: SymbolTarget] = [:], printSnippet: Bool = false, mouse: Bool = true) {
            self.initialChoices = initialChoices
            self.printSnippet = printSnippet
            self.mouse = mouse
        }
    }

    /// Runs the TUI on the terminal; returns the process exit status.
    public static func run(workspace: Workspace, options: Options, environment: [String: String]) throws -> Int32 {
        let runner = AppRunner(workspace: workspace)
        let terminal = try CursesTerminal(environment: environment, mouse: options.mouse)
        var state = runner.reducer.initialState(size: terminal.size, choices: options.initialChoices)
        state.printSnippetOnExit = options.printSnippet
        var t = terminal
        let final = runner.run(&t, state: state)
        terminal.restore()
        if final.printSnippetOnExit {
            print(workspace.snippetText(plan: final.plan, functionChoices: final.functionChoices), terminator: "")
        }
        if terminal.signal != 0 {
            if final.hasUnsavedChoices {
                // A valid choices file as it stands (the first line is a comment): `2> file` keeps it whole.
                var err = "# klp-convert tui: interrupted with unsaved choices; to keep them, save this as a choices "
                err += "file and replay it with --choices FILE\n"
                err += ChoicesFile.text(final.choices)
                TUISession.writeError(err)
            }
            CursesTerminal.reraise(terminal.signal)
            return 128 + terminal.signal
        }
        return 0
    }

    /// Writes to standard error without the C `stderr` global (not concurrency-safe under Swift 6).
    public static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
