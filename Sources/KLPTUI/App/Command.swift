// The named things a user can ask for. Keys map to commands (Keymap); the help overlay and the hint bar are
// generated from these descriptions, so they cannot drift from what the keys do.

public enum Command: String, CaseIterable, Sendable {
    case moveUp, moveDown, pageUp, pageDown, moveHome, moveEnd
    case nextPanel, previousPanel
    case select, back
    case clearChoice, toggleExports
    case acceptSuggestion, acceptAllSuggestions
    case nextProblem, previousProblem
    case filter, nextMatch, previousMatch
    case showOverview, showPreview, showSnippet, showDatabase, showFunctions
    case writeOutput, saveSnippet, printSnippetOnExit, saveChoices, loadChoices
    case help, quit

    public var help: String {
        switch self {
        case .moveUp: "Move up"
        case .moveDown: "Move down"
        case .pageUp: "Page up"
        case .pageDown: "Page down"
        case .moveHome: "First line"
        case .moveEnd: "Last line"
        case .nextPanel: "Next panel"
        case .previousPanel: "Previous panel"
        case .select: "Open / pick the candidate under the cursor"
        case .back: "Back; clear the filter"
        case .clearChoice: "Forget the choice made here for this symbol"
        case .toggleExports: "Show or fold the exported symbols (nothing to decide there)"
        case .acceptSuggestion: "Choose the copy the patch suggests for this symbol (x undoes)"
        case .acceptAllSuggestions: "Choose the suggested copy for every undecided symbol that has one (x undoes each)"
        case .nextProblem: "Next symbol that needs a decision"
        case .previousProblem: "Previous symbol that needs a decision"
        case .filter: "Filter the focused list (symbols, candidates, database)"
        case .nextMatch: "Next match of the filter (wraps, as in less and vim)"
        case .previousMatch: "Previous match of the filter (wraps)"
        case .showOverview: "Symbols overview"
        case .showPreview: "Preview the converted ELF (before / after)"
        case .showSnippet: "Show the KLP_MODULE_RELOC snippet for the current choices"
        case .showDatabase: "Search every symbol of symbols.klp"
        case .showFunctions: "Patched functions: klp_func old_name / old_sympos"
        case .writeOutput: "Write the converted object (.ko), from every screen"
        case .saveSnippet: "Save the snippet to a file"
        case .printSnippetOnExit: "Print the snippet on exit (toggle)"
        case .saveChoices: "Save the choices file (replay with --choices)"
        case .loadChoices: "Load choices from a file"
        case .help: "This help"
        case .quit: "Quit (asks when choices are unsaved)"
        }
    }

    /// Help for a command where a context gives it a particular meaning.
    public func help(in context: KeyContext) -> String {
        switch (self, context) {
        case (.select, .symbols): "Open the candidate picker for this symbol"
        case (.select, .candidates): "Choose this candidate (re-plans at once)"
        case (.select, .problems): "Go to the symbol this problem is about"
        case (.select, .database): "Go to this candidate of a symbol the livepatch uses"
        case (.select, .functions): "Open the copies of this function; on a copy, choose it (.old_sympos edit)"
        case (.acceptSuggestion, .functions): "Choose the copy the patch suggests for this function"
        case (.clearChoice, .functions): "Forget the copy chosen for this function"
        case (.saveSnippet, .functions): "Save the snippet with the .old_sympos edits"
        default: help
        }
    }

    /// Short label for the hint bar.
    public var hint: String {
        switch self {
        case .select: "pick"
        case .back: "back"
        case .filter: "filter"
        case .showPreview: "preview"
        case .showSnippet: "snippet"
        case .showDatabase: "database"
        case .showFunctions: "functions"
        case .writeOutput: "write .ko"
        case .saveSnippet: "save snippet"
        case .saveChoices: "save choices"
        case .loadChoices: "load"
        case .help: "help"
        case .quit: "quit"
        case .nextPanel: "panel"
        case .nextProblem: "next to decide"
        case .nextMatch: "next match"
        case .clearChoice: "unchoose"
        case .toggleExports: "exports"
        case .acceptSuggestion: "accept suggestion"
        case .acceptAllSuggestions: "accept all"
        case .printSnippetOnExit: "print on exit"
        case .showOverview: "overview"
        default: help.lowercased()
        }
    }
}
