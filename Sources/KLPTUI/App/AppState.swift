import KLPEngine

// The whole UI as a plain value: what is on screen, where the cursors are, the user's choices and the plan
// they produce. The reducer changes it; the renderer only reads it.

public enum Screen: Sendable, Equatable { case overview, preview, snippet, database, functions }
public enum Panel: Sendable, Equatable, CaseIterable { case symbols, candidates, problems }

/// What a text prompt is for.
public enum PromptPurpose: Sendable, Equatable {
    case writeOutput, saveChoices, loadChoices, saveSnippet

    var title: String {
        switch self {
        case .writeOutput: "Write the converted object to"
        case .saveChoices: "Save choices to"
        case .loadChoices: "Load choices from"
        case .saveSnippet: "Save the snippet to"
        }
    }
}

public struct PromptState: Sendable, Equatable {
    public var purpose: PromptPurpose
    public var text: String
    /// The names the last Tab found when it could not choose one.
    public var matches: [String] = []

    public init(purpose: PromptPurpose, text: String) {
        self.purpose = purpose
        self.text = text
    }
}

public enum Question: Sendable, Equatable {
    case overwrite(path: String, purpose: PromptPurpose)
    case quitUnsaved(count: Int)

    /// The question as lines; a path gets a line of its own so its end stays visible.
    var lines: [String] {
        switch self {
        case .overwrite(let path, _): [path, "exists. Overwrite it?"]
        case .quitUnsaved(let n): ["\(n) choice\(n == 1 ? "" : "s") not saved (S saves them).", "Quit anyway?"]
        }
    }
}

public enum Overlay: Sendable, Equatable {
    case help(scroll: Int)
    case prompt(PromptState)
    case confirm(Question)
}

/// A scrolling list position: cursor row and the first visible row.
public struct ListPosition: Sendable, Equatable {
    public var cursor = 0
    public var top = 0

    /// Clamps to `count` rows and scrolls so the cursor is inside `visible` lines.
    mutating func settle(count: Int, visible: Int) {
        cursor = count == 0 ? 0 : min(max(0, cursor), count - 1)
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        top = max(0, min(top, max(0, count - visible)))
    }
}

public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
}

/// A plan and the object it produces from the workspace's input.
public struct AppliedPlan: Sendable {
    public let plan: ConversionPlan
    public let object: ELFObject
}

public struct AppState: Sendable {
    public var size: Size
    public var screen: Screen = .overview
    public var focus: Panel = .symbols
    public var overlay: Overlay?

    /// Choices made here (or loaded), by symbol name, and the ones last saved to a file.
    public var choices: [String: SymbolTarget] = [:]
    public var savedChoices: [String: SymbolTarget] = [:]
    public var plan: ConversionPlan

    /// Filter of the symbols list (name, candidate object or file), of the candidate picker (object, file), and
    /// whether the filter of the focused list is being typed.
    public var filter = ""
    public var candidateFilter = ""
    public var filterEditing = false
    /// The rows of the symbols list: what needs attention first, exported symbols in one group at the end.
    public var symbolRows: [SymbolRow]
    /// Whether the exported symbols' group shows its members.
    public var exportsExpanded = false

    public var symbolList = ListPosition()
    public var candidateList = ListPosition()
    public var problemList = ListPosition()
    public var textScroll = 0
    public var databaseList = ListPosition()
    public var databaseSearch = IncrementalSearch()
    /// The patched functions screen (issue 17): its list, the copies of the highlighted function, which of the
    /// two has the focus, and the copies chosen here by index into plan.patchedFunctions (source edits only).
    public var functionList = ListPosition()
    public var functionCopyList = ListPosition()
    public var functionCopiesFocused = false
    public var functionChoices: [Int: Int] = [:]

    /// Preview lines, computed when the preview opens (applying the plan is not free on big objects).
    public var preview: [PreviewLine] = []
    /// The plan applied to the input, made for the preview and reused by the write of the same plan.
    public var output: AppliedPlan?

    public var message: StatusMessage?
    public var printSnippetOnExit = false
    public var quitting = false

    public init(plan: ConversionPlan, size: Size) {
        self.plan = plan
        self.size = size
        symbolRows = plan.symbols.indices.map { .symbol($0) }
    }

    public var hasUnsavedChoices: Bool { choices != savedChoices }

    /// Indices into plan.symbols of the symbol rows shown, in list order.
    public var visibleSymbols: [Int] { symbolRows.compactMap(\.symbolIndex) }

    /// The symbol under the cursor of the symbols list (none on the exported group's row).
    public var selectedSymbol: PlannedSymbol? {
        guard symbolList.cursor < symbolRows.count, let i = symbolRows[symbolList.cursor].symbolIndex else {
            return nil
        }
        return i < plan.symbols.count ? plan.symbols[i] : nil
    }

    /// The row showing symbol `name`, if shown.
    public func row(of name: String) -> Int? {
        symbolRows.firstIndex { $0.symbolIndex.map { plan.symbols[$0].name == name } ?? false }
    }

    /// The list `/` filters here: the database search on its screen, else the focused list of the overview.
    public var filterField: FilterField {
        if screen == .database { return .database }
        return focus == .candidates ? .candidates : .symbols
    }

    /// The filter text of the list `/` filters here.
    public var activeQuery: String {
        switch filterField {
        case .database: databaseSearch.query
        case .candidates: candidateFilter
        case .symbols: filter
        }
    }

    /// Indices into the selected symbol's candidates that the picker shows (object or file contains the filter).
    public var visibleCandidates: [Int] {
        guard let symbol = selectedSymbol else { return [] }
        let q = candidateFilter.lowercased()
        // Read once: a plan's candidate lines come from a shared cache, looked up on each access.
        let candidates = symbol.candidates
        guard !q.isEmpty else { return Array(candidates.indices) }
        return candidates.indices.filter { k in
            let c = candidates[k]
            return c.object.lowercased().contains(q) || (c.file?.lowercased().contains(q) ?? false)
        }
    }

    /// The candidate under the picker's cursor.
    public var selectedCandidate: DatabaseCandidate? {
        let visible = visibleCandidates
        guard let symbol = selectedSymbol, candidateList.cursor < visible.count else { return nil }
        return symbol.candidates[visible[candidateList.cursor]]
    }
}

/// A row of the symbols list: a symbol (index into plan.symbols), or the heading of the exported symbols, which
/// need nothing from the user (the module loader resolves them) and are folded under it.
public enum SymbolRow: Sendable, Equatable {
    case symbol(Int)
    case exportGroup(count: Int)

    public var symbolIndex: Int? {
        if case .symbol(let i) = self { return i }
        return nil
    }

    /// Order of attention: errors, ambiguous, decided (annotation or choice), automatic; exports last.
    static func rank(_ status: SymbolStatus) -> Int {
        switch status {
        case .notFound, .invalid, .refused: 0
        case .ambiguous: 1
        case .annotated, .chosen: 2
        case .automatic, .weakUndefined, .converted: 3
        case .exported: 4
        }
    }
}

/// The lists `/` narrows.
public enum FilterField: Sendable, Equatable { case symbols, candidates, database }
