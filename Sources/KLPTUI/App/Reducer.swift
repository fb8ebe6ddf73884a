import KLPEngine

// The pure heart of the TUI: (state, action) -> state + effects. No I/O here; writing files and quitting are
// effects the runner carries out, and their results come back as actions. Re-planning after a choice is pure
// and cheap, so it happens right here and every panel sees the new plan at once.

public struct Reducer: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    public func initialState(size: Size, choices: [String: SymbolTarget] = [:], choicesAreSaved: Bool = true) -> AppState {
        var state = AppState(plan: workspace.plan(choices: choices), size: size)
        state.choices = choices
        state.savedChoices = choicesAreSaved ? choices : [:]
        refilter(&state)
        // Start on the first symbol that needs a decision (an ambiguous one first: the user can settle it here).
        let symbols = state.plan.symbols
        if let first = state.visibleSymbols.firstIndex(where: { symbols[$0].status == .ambiguous })
            ?? state.visibleSymbols.firstIndex(where: { symbols[$0].status.isProblem }) {
            state.symbolList.cursor = first
        }
        syncCandidateCursor(&state)
        settleAll(&state)
        return state
    }

    public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .command(let command):
            state.message = nil
            return run(command, &state)
        case .insertText(let text):
            editInput(&state) { $0 += text }
        case .deleteBackward:
            editInput(&state) { if !$0.isEmpty { $0.removeLast() } }
        case .clearInput:
            editInput(&state) { $0 = "" }
        case .submitInput:
            return submit(&state)
        case .cancelInput:
            if case .prompt = state.overlay {
                state.overlay = nil
                state.message = StatusMessage(text: "Cancelled", isError: false)
            } else if state.filterEditing {
                state.filterEditing = false
                setQuery("", &state)
            }
        case .answer(let yes):
            return answer(yes, &state)
        case .resize(let size):
            state.size = size
            settleAll(&state)
        case .unboundKey(let key):
            state.message = StatusMessage(text: "\(key) does nothing here; ? lists the keys", isError: false)
        case .confirmOverwrite(let path, let purpose):
            state.overlay = .confirm(.overwrite(path: path, purpose: purpose))
        case .choicesLoaded(let choices, let path):
            state.choices = choices
            state.savedChoices = choices
            replan(&state)
            let unused = choices.keys.filter { name in !state.plan.symbols.contains { $0.name == name } }.sorted()
            var text = "Loaded \(choices.count) choice\(choices.count == 1 ? "" : "s") from \(path)"
            if !unused.isEmpty { text += "; not used by this livepatch: \(unused.joined(separator: ", "))" }
            state.message = StatusMessage(text: text, isError: !unused.isEmpty)
        case .choicesSaved(let choices, let path):
            state.savedChoices = choices
            state.message = StatusMessage(text: "Saved \(choices.count) choice\(choices.count == 1 ? "" : "s") to \(path)", isError: false)
        case .effectSucceeded(let text):
            state.message = StatusMessage(text: text, isError: false)
        case .effectFailed(let text):
            state.message = StatusMessage(text: text, isError: true)
        }
        return []
    }

    // MARK: - Commands

    private func run(_ command: Command, _ state: inout AppState) -> [Effect] {
        if case .help(let scroll) = state.overlay {
            switch command {
            case .moveUp: state.overlay = .help(scroll: max(0, scroll - 1))
            case .moveDown: state.overlay = .help(scroll: scroll + 1)
            case .pageUp: state.overlay = .help(scroll: max(0, scroll - 10))
            case .pageDown: state.overlay = .help(scroll: scroll + 10)
            case .quit: return quit(&state)
            default: state.overlay = nil
            }
            return []
        }
        switch command {
        case .moveUp: move(&state, by: -1)
        case .moveDown: move(&state, by: 1)
        case .pageUp: move(&state, by: -pageSize(state))
        case .pageDown: move(&state, by: pageSize(state))
        case .moveHome: move(&state, by: Int.min / 2)
        case .moveEnd: move(&state, by: Int.max / 2)
        case .nextPanel, .previousPanel:
            guard state.screen == .overview else {
                state.message = StatusMessage(text: "Tab moves between the overview's panels; o returns there", isError: false)
                return []
            }
            let order = Panel.allCases
            let i = order.firstIndex(of: state.focus) ?? 0
            state.focus = order[(i + (command == .nextPanel ? 1 : order.count - 1)) % order.count]
        case .select: select(&state)
        case .back: back(&state)
        case .clearChoice:
            guard state.screen == .overview, let symbol = state.selectedSymbol else { return [] }
            if state.choices.removeValue(forKey: symbol.name) != nil {
                replan(&state)
                state.message = StatusMessage(text: "\(symbol.name): choice removed", isError: false)
            } else {
                state.message = StatusMessage(text: "\(symbol.name) has no choice made here", isError: false)
            }
        case .acceptSuggestion:
            guard state.screen == .overview, let symbol = state.selectedSymbol else { return [] }
            acceptSuggestion(for: symbol.name, &state)
        case .acceptAllSuggestions:
            guard state.screen == .overview else { return [] }
            acceptAllSuggestions(&state)
        case .nextProblem, .previousProblem:
            jumpToProblem(&state, forward: command == .nextProblem)
        case .filter:
            guard state.screen == .overview || state.screen == .database else {
                state.message = StatusMessage(text: "/ filters the overview (o) and searches the database (d)", isError: false)
                return []
            }
            state.filterEditing = true
        case .showOverview: state.screen = .overview
        case .showPreview:
            refreshPreview(&state)
            state.screen = .preview
            state.textScroll = 0
        case .showSnippet:
            state.screen = .snippet
            state.textScroll = 0
        case .showDatabase:
            state.screen = .database
            state.filterEditing = true
            settleAll(&state)
        case .writeOutput:
            let errors = state.plan.diagnostics.errors.count
            guard errors == 0 else {
                state.message = StatusMessage(text: "Cannot write: \(errors) error\(errors == 1 ? "" : "s") left (see Problems; n jumps to the next symbol to decide)", isError: true)
                return []
            }
            state.overlay = .prompt(PromptState(purpose: .writeOutput, text: workspace.defaultOutputPath))
        case .saveSnippet:
            state.overlay = .prompt(PromptState(purpose: .saveSnippet, text: workspace.defaultSnippetPath))
        case .printSnippetOnExit:
            state.printSnippetOnExit.toggle()
            state.message = StatusMessage(text: state.printSnippetOnExit ? "The snippet will be printed on exit" : "The snippet will not be printed on exit", isError: false)
        case .saveChoices:
            state.overlay = .prompt(PromptState(purpose: .saveChoices, text: workspace.defaultChoicesPath))
        case .loadChoices:
            state.overlay = .prompt(PromptState(purpose: .loadChoices, text: workspace.defaultChoicesPath))
        case .help:
            state.overlay = .help(scroll: 0)
        case .quit:
            return quit(&state)
        }
        return []
    }

    private func quit(_ state: inout AppState) -> [Effect] {
        let unsaved = state.choices.filter { state.savedChoices[$0.key] != $0.value }.count
            + state.savedChoices.keys.filter { state.choices[$0] == nil }.count
        if unsaved > 0 {
            state.overlay = .confirm(.quitUnsaved(count: unsaved))
            return []
        }
        state.quitting = true
        return [.quit]
    }

    private func pageSize(_ state: AppState) -> Int {
        let layout = Layout(size: state.size)
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols: return layout.symbolLines
            case .candidates: return layout.candidateLines
            case .problems: return layout.problemLines
            }
        case .preview, .snippet: return layout.textLines
        case .database: return layout.databaseLines
        }
    }

    private func move(_ state: inout AppState, by delta: Int) {
        func shifted(_ v: Int) -> Int {
            let (r, overflow) = v.addingReportingOverflow(delta)
            return overflow ? (delta < 0 ? 0 : Int.max / 2) : r
        }
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols:
                state.symbolList.cursor = shifted(state.symbolList.cursor)
                settleAll(&state)
                syncCandidateCursor(&state)
            case .candidates: state.candidateList.cursor = shifted(state.candidateList.cursor)
            case .problems:
                state.problemList.cursor = shifted(state.problemList.cursor)
                followProblem(&state)
            }
        case .preview, .snippet:
            state.textScroll = max(0, shifted(state.textScroll))
        case .database:
            state.databaseList.cursor = shifted(state.databaseList.cursor)
        }
        settleAll(&state)
    }

    private func select(_ state: inout AppState) {
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols:
                guard let symbol = state.selectedSymbol else { return }
                if symbol.candidates.isEmpty {
                    state.message = StatusMessage(text: "\(symbol.name): no candidates (\(StatusText.explanation(symbol)))", isError: false)
                } else {
                    state.focus = .candidates
                    syncCandidateCursor(&state)
                }
            case .candidates: choose(&state)
            case .problems:
                let diagnostics = state.plan.diagnostics
                guard state.problemList.cursor < diagnostics.count else { return }
                let d = diagnostics[state.problemList.cursor]
                guard let name = d.location?.symbol else {
                    state.message = StatusMessage(text: "This problem names no symbol", isError: false)
                    return
                }
                reveal(name, &state)
            }
        case .database:
            guard let rows = databaseRows(state), state.databaseList.cursor < rows.count else { return }
            let row = workspace.index.row(Int(rows[state.databaseList.cursor]))
            guard state.plan.symbols.contains(where: { $0.name == row.name }) else {
                state.message = StatusMessage(text: "\(row.name) is not used by this livepatch", isError: false)
                return
            }
            state.screen = .overview
            state.filterEditing = false
            reveal(row.name, &state)
            if let symbol = state.selectedSymbol, let k = symbol.candidates.firstIndex(where: { $0.line == row.line && $0.object == row.object }) {
                state.focus = .candidates
                state.candidateList.cursor = k
                settleAll(&state)
            }
        case .preview, .snippet:
            break
        }
    }

    /// Records the candidate under the cursor as the choice for the selected symbol, then re-plans.
    private func choose(_ state: inout AppState) {
        guard let symbol = state.selectedSymbol, state.candidateList.cursor < symbol.candidates.count else { return }
        let c = symbol.candidates[state.candidateList.cursor]
        let target = SymbolTarget(object: c.object, position: c.position)
        state.choices[symbol.name] = target
        replan(&state)
        let now = state.plan.symbol(named: symbol.name)
        if let now, now.status == .chosen {
            state.message = StatusMessage(text: "\(symbol.name) → \(target)" + (now.newName.map { "  (\($0))" } ?? ""), isError: false)
        } else {
            state.message = StatusMessage(text: "\(symbol.name) → \(target): \(now.map { StatusText.label($0.status) } ?? "gone"); see Problems", isError: true)
        }
    }

    /// While moving through problems, the symbols list follows the symbol the problem is about (if shown).
    private func followProblem(_ state: inout AppState) {
        let diagnostics = state.plan.diagnostics
        let k = min(max(0, state.problemList.cursor), diagnostics.count - 1)
        guard k >= 0 else { return }
        guard let name = diagnostics[k].location?.symbol,
              let row = state.visibleSymbols.firstIndex(where: { state.plan.symbols[$0].name == name }) else { return }
        state.symbolList.cursor = row
        settleAll(&state)
        syncCandidateCursor(&state)
    }

    /// Selects a symbol by name in the symbols list, clearing a filter that hides it.
    private func reveal(_ name: String, _ state: inout AppState) {
        guard let index = state.plan.symbols.firstIndex(where: { $0.name == name }) else {
            state.message = StatusMessage(text: "\(name) is not in the symbols list", isError: false)
            return
        }
        if !state.visibleSymbols.contains(index) {
            state.filter = ""
            refilter(&state)
        }
        state.screen = .overview
        state.focus = .symbols
        state.symbolList.cursor = state.visibleSymbols.firstIndex(of: index) ?? 0
        settleAll(&state)
        syncCandidateCursor(&state)
    }

    private func back(_ state: inout AppState) {
        if state.screen != .overview {
            state.screen = .overview
            state.filterEditing = false
        } else if state.focus != .symbols {
            state.focus = .symbols
        } else if !state.filter.isEmpty {
            setQuery("", &state)
        }
    }

    private func jumpToProblem(_ state: inout AppState, forward: Bool) {
        state.screen = .overview
        state.focus = .symbols
        let n = state.visibleSymbols.count
        guard n > 0 else { return }
        for step in 1...n {
            let k = ((state.symbolList.cursor + (forward ? step : -step)) % n + n) % n
            if state.plan.symbols[state.visibleSymbols[k]].status.isProblem {
                state.symbolList.cursor = k
                settleAll(&state)
                syncCandidateCursor(&state)
                return
            }
        }
        state.message = StatusMessage(text: "No symbol needs a decision", isError: false)
    }

    // MARK: - Text fields

    private func editInput(_ state: inout AppState, _ edit: (inout String) -> Void) {
        if case .prompt(var prompt) = state.overlay {
            edit(&prompt.text)
            state.overlay = .prompt(prompt)
        } else if state.filterEditing {
            var q = state.activeQuery
            edit(&q)
            setQuery(q, &state)
        }
    }

    private func setQuery(_ query: String, _ state: inout AppState) {
        if state.screen == .database {
            state.databaseSearch.update(query, in: workspace.index)
            state.databaseList = ListPosition()
        } else {
            state.filter = query
            refilter(&state)
        }
        settleAll(&state)
    }

    private func submit(_ state: inout AppState) -> [Effect] {
        if case .prompt(let prompt) = state.overlay {
            state.overlay = nil
            let path = prompt.text.trimmingCharacters(in: " ")
            guard !path.isEmpty else {
                state.message = StatusMessage(text: "No file name given", isError: true)
                return []
            }
            return [effect(for: prompt.purpose, path: path, overwrite: false, state)]
        }
        state.filterEditing = false
        return []
    }

    private func effect(for purpose: PromptPurpose, path: String, overwrite: Bool, _ state: AppState) -> Effect {
        switch purpose {
        case .writeOutput: .writeOutput(path: path, plan: state.plan, overwrite: overwrite)
        case .saveChoices: .saveChoices(path: path, choices: state.choices, overwrite: overwrite)
        case .loadChoices: .loadChoices(path: path)
        case .saveSnippet: .saveSnippet(path: path, text: SnippetText.text(plan: state.plan, objectName: workspace.objectName), overwrite: overwrite)
        }
    }

    private func answer(_ yes: Bool, _ state: inout AppState) -> [Effect] {
        guard case .confirm(let question) = state.overlay else { return [] }
        state.overlay = nil
        switch question {
        case .overwrite(let path, let purpose):
            if yes { return [effect(for: purpose, path: path, overwrite: true, state)] }
            state.message = StatusMessage(text: "Not written: \(path) left as it was", isError: false)
        case .quitUnsaved:
            if yes {
                state.quitting = true
                return [.quit]
            }
        }
        return []
    }

    // MARK: - Derived data

    /// Re-plans with the current choices and keeps the cursor on the same symbol.
    func replan(_ state: inout AppState) {
        let selected = state.selectedSymbol?.name
        state.plan = workspace.plan(choices: state.choices)
        refilter(&state)
        if let selected, let i = state.plan.symbols.firstIndex(where: { $0.name == selected }),
           let row = state.visibleSymbols.firstIndex(of: i) {
            state.symbolList.cursor = row
        }
        state.output = nil
        if state.screen == .preview { refreshPreview(&state) }
        settleAll(&state)
    }

    /// Applies the current plan once (kept in `state.output` for a write of the same plan) and lists the changes.
    func refreshPreview(_ state: inout AppState) {
        if state.output?.plan != state.plan {
            state.output = AppliedPlan(plan: state.plan, object: Converter.apply(state.plan, to: workspace.object))
        }
        guard let applied = state.output else { return }
        state.preview = PreviewBuilder.lines(object: workspace.object, plan: applied.plan, after: applied.object)
    }

    /// Symbols whose name, candidate object or candidate file contains the filter (case-insensitive).
    func refilter(_ state: inout AppState) {
        let selected = state.selectedSymbol?.name
        let q = state.filter.lowercased()
        if q.isEmpty {
            state.visibleSymbols = Array(state.plan.symbols.indices)
        } else {
            state.visibleSymbols = state.plan.symbols.indices.filter { i in
                let s = state.plan.symbols[i]
                return s.name.lowercased().contains(q)
                    || s.candidates.contains { $0.object.lowercased().contains(q) || ($0.file?.lowercased().contains(q) ?? false) }
            }
        }
        if let selected, let row = state.visibleSymbols.firstIndex(where: { state.plan.symbols[$0].name == selected }) {
            state.symbolList.cursor = row
        }
        settleAll(&state)
        syncCandidateCursor(&state)
    }

    /// Puts the candidate cursor on the candidate the symbol currently resolves to.
    func syncCandidateCursor(_ state: inout AppState) {
        guard let symbol = state.selectedSymbol else { return }
        if let t = symbol.target, let k = symbol.candidates.firstIndex(where: { $0.object == t.object && $0.position == t.position }) {
            state.candidateList.cursor = k
        } else {
            state.candidateList.cursor = 0
        }
        state.candidateList.top = 0
        let layout = Layout(size: state.size)
        state.candidateList.settle(count: symbol.candidates.count, visible: layout.candidateLines)
    }

    func databaseRows(_ state: AppState) -> [Int32]? { state.databaseSearch.rows }

    func databaseCount(_ state: AppState) -> Int { state.databaseSearch.count ?? workspace.index.rowCount }

    func settleAll(_ state: inout AppState) {
        let layout = Layout(size: state.size)
        state.symbolList.settle(count: state.visibleSymbols.count, visible: layout.symbolLines)
        state.candidateList.settle(count: state.selectedSymbol?.candidates.count ?? 0, visible: layout.candidateLines)
        state.problemList.settle(count: state.plan.diagnostics.count, visible: layout.problemLines)
        // Only on its screen: the database index may still be building while the overview is shown.
        if state.screen == .database {
            state.databaseList.settle(count: databaseCount(state), visible: layout.databaseLines)
        }
        let textCount: Int
        switch state.screen {
        case .preview: textCount = state.preview.count + 1
        case .snippet: textCount = SnippetText.text(plan: state.plan, objectName: workspace.objectName).split(separator: "\n", omittingEmptySubsequences: false).count
        default: textCount = 0
        }
        state.textScroll = max(0, min(state.textScroll, textCount - layout.textLines))
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
