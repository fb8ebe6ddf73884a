// Which key does what, as data: one table per context plus a global table consulted after it (tig's generic
// keymap). Text fields (filter, prompts) and yes/no questions take keys before any table.

public enum KeyContext: String, CaseIterable, Sendable {
    case global = "Everywhere"
    case symbols = "Symbols list"
    case candidates = "Candidates (picker)"
    case problems = "Problems"
    case textScreen = "Preview and snippet"
    case snippet = "Snippet"
    case database = "Database search"
    case functions = "Patched functions"
    /// The help overlay: these keys scroll it, every other key closes it.
    case helpOverlay = "This help (any other key closes it)"
}

public struct Keymap: Sendable {
    public var tables: [KeyContext: [(key: Key, command: Command)]]

    public static let standard = Keymap(tables: [
        .global: [
            (.up, .moveUp), (.character("k"), .moveUp), (.down, .moveDown), (.character("j"), .moveDown),
            (.pageUp, .pageUp), (.control("b"), .pageUp), (.pageDown, .pageDown), (.control("f"), .pageDown),
            (.character(" "), .pageDown),
            (.home, .moveHome), (.character("g"), .moveHome), (.end, .moveEnd), (.character("G"), .moveEnd),
            (.tab, .nextPanel), (.backTab, .previousPanel),
            (.character("/"), .filter), (.escape, .back), (.left, .back), (.character("h"), .back),
            (.character("o"), .showOverview), (.character("p"), .showPreview), (.character("s"), .showSnippet),
            (.character("d"), .showDatabase), (.character("t"), .showFunctions),
            (.character("n"), .nextMatch), (.character("N"), .previousMatch),
            (.character("]"), .nextProblem), (.character("["), .previousProblem),
            (.character("w"), .writeOutput), (.character("S"), .saveChoices), (.character("L"), .loadChoices),
            (.character("?"), .help), (.function(1), .help), (.character("q"), .quit),
        ],
        .symbols: [
            (.enter, .select), (.right, .select), (.character("l"), .select), (.character("x"), .clearChoice),
            (.delete, .clearChoice), (.character("e"), .toggleExports), (.character("a"), .acceptSuggestion),
            (.character("A"), .acceptAllSuggestions),
        ],
        .candidates: [
            (.enter, .select), (.character("x"), .clearChoice), (.delete, .clearChoice),
            (.character("a"), .acceptSuggestion), (.character("A"), .acceptAllSuggestions),
        ],
        .problems: [(.enter, .select)],
        .textScreen: [],
        .snippet: [(.character("f"), .saveSnippet), (.character("P"), .printSnippetOnExit)],
        .database: [(.enter, .select)],
        .functions: [
            (.enter, .select), (.right, .select), (.character("l"), .select),
            (.character("a"), .acceptSuggestion), (.character("x"), .clearChoice),
            (.delete, .clearChoice), (.character("f"), .saveSnippet),
        ],
        .helpOverlay: [
            (.up, .moveUp), (.character("k"), .moveUp), (.down, .moveDown), (.character("j"), .moveDown),
            (.pageUp, .pageUp), (.pageDown, .pageDown), (.character(" "), .pageDown),
            (.home, .moveHome), (.character("g"), .moveHome), (.end, .moveEnd), (.character("G"), .moveEnd),
        ],
    ])

    /// Contexts consulted for the state, most specific first (global last).
    static func contexts(for state: AppState) -> [KeyContext] {
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols: return [.symbols, .global]
            case .candidates: return [.candidates, .global]
            case .problems: return [.problems, .global]
            }
        case .preview: return [.textScreen, .global]
        case .snippet: return [.snippet, .textScreen, .global]
        case .database: return [.database, .global]
        case .functions: return [.functions, .global]
        }
    }

    public func command(for key: Key, contexts: [KeyContext]) -> Command? {
        for context in contexts {
            if let hit = tables[context]?.first(where: { $0.key == key }) { return hit.command }
        }
        return nil
    }

    /// Keys bound to a command in a context, for the help overlay.
    public func keys(for command: Command, in context: KeyContext) -> [Key] {
        (tables[context] ?? []).filter { $0.command == command }.map(\.key)
    }

    /// Translates a key into an action for the current state: typing goes into an open text field, y/n answers
    /// a question, everything else goes through the tables.
    public func action(for key: Key, in state: AppState) -> Action? {
        if case .resize(let size) = key { return .resize(size) }
        if case .mouse(let event) = key {
            switch state.overlay {
            case .help:
                switch event.kind {
                case .wheelUp: return .command(.moveUp)
                case .wheelDown: return .command(.moveDown)
                case .click, .doubleClick: return .command(.help)  // closes it, as any other key
                }
            case .prompt, .confirm: return nil  // answered with keys
            case nil: return .mouse(event)
            }
        }
        switch state.overlay {
        case .prompt:
            return key == .tab ? .completeInput : textAction(for: key)
        case .confirm:
            switch key {
            case .character("y"), .character("Y"): return .answer(true)
            case .character("n"), .character("N"), .escape, .character("q"): return .answer(false)
            default: return nil
            }
        case .help:
            // Its own table scrolls it; any other key closes it (and does nothing else).
            return .command(command(for: key, contexts: [.helpOverlay]) ?? .help)
        case nil:
            break
        }
        if state.filterEditing, let text = textAction(for: key) { return text }
        if let command = command(for: key, contexts: Keymap.contexts(for: state)) { return .command(command) }
        return .unboundKey(key)
    }

    private func textAction(for key: Key) -> Action? {
        switch key {
        case .character(let c): return .insertText(String(c))
        case .backspace, .control("h"): return .deleteBackward
        case .control("u"): return .clearInput
        case .enter: return .submitInput
        case .escape: return .cancelInput
        case .up, .down, .pageUp, .pageDown: return nil  // keep moving through results while typing a filter
        default: return nil
        }
    }
}
