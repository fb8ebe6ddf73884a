import KLPEngine

// The pure heart of the TUI: (state, action) -> state + effects. No I/O here; writing files and quitting are
// effects the runner carries out, and their results come back as actions. Re-planning after a choice is pure
// and cheap, so it happens right here and every panel sees the new plan at once.

public struct Reducer: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    public func initialState(size: Size, choices: [String: SymbolTarget] = [:], choicesAreSaved: Bool = true)
        -> AppState
    {
        var state = AppState(plan: workspace.plan(choices: choices), size: size)
        state.choices = choices
        state.savedChoices = choicesAreSaved ? choices : [:]
        refilter(&state)
        // Start on the first symbol that needs a decision (an ambiguous one first: the user can settle it here).
        let symbols = state.plan.symbols
        func row(_ wanted: (PlannedSymbol) -> Bool) -> Int? {
            state.symbolRows.firstIndex { $0.symbolIndex.map { wanted(symbols[$0]) } ?? false }
        }
        if let first = row({ $0.status == .ambiguous }) ?? row({ $0.status.isProblem }) {
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
        case .completeInput:
            if case .prompt(let prompt) = state.overlay { return [.completePath(prompt.text)] }
        case .pathCompleted(let completion, let from):
            // Only if nothing was typed meanwhile.
            guard case .prompt(var prompt) = state.overlay, prompt.text == from else { return [] }
            prompt.text = completion.text
            prompt.matches = completion.matches
            state.overlay = .prompt(prompt)
            if completion.matches.isEmpty && completion.text == from {
                state.message = StatusMessage(text: "No file name starts with that", isError: false)
            }
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
        case .mouse(let event):
            state.message = nil
            return mouse(event, &state)
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
            state.message = StatusMessage(
                text: "Saved \(choices.count) choice\(choices.count == 1 ? "" : "s") to \(path)", isError: false)
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
            defer {
                // Kept within the lines, so scrolling back up starts at once.
                let count = Renderer(workspace: workspace).helpRows(state.size).count
                let visible = max(1, min(state.size.rows - 2, count + 3) - 2)
                if case .help(let s) = state.overlay { state.overlay = .help(scroll: max(0, min(s, count - visible))) }
            }
            switch command {
            case .moveUp: state.overlay = .help(scroll: max(0, scroll - 1))
            case .moveDown: state.overlay = .help(scroll: scroll + 1)
            case .pageUp: state.overlay = .help(scroll: max(0, scroll - 10))
            case .pageDown: state.overlay = .help(scroll: scroll + 10)
            case .moveHome: state.overlay = .help(scroll: 0)
            case .moveEnd: state.overlay = .help(scroll: Int.max / 2)
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
                state.message = StatusMessage(
                    text: "Tab moves between the overview's panels; o returns there", isError: false)
                return []
            }
            state.filterEditing = false
            let order = Panel.allCases
            let i = order.firstIndex(of: state.focus) ?? 0
            state.focus = order[(i + (command == .nextPanel ? 1 : order.count - 1)) % order.count]
        case .select: select(&state)
        case .toggleExports: toggleExports(&state)
        case .back: back(&state)
        case .clearChoice:
            if state.screen == .functions { return clearFunctionChoice(&state) }
            guard state.screen == .overview, let symbol = state.selectedSymbol else { return [] }
            if state.choices.removeValue(forKey: symbol.name) != nil {
                replan(&state)
                state.message = StatusMessage(text: "\(symbol.name): choice removed", isError: false)
            } else {
                state.message = StatusMessage(text: "\(symbol.name) has no choice made here", isError: false)
            }
        case .acceptSuggestion:
            if state.screen == .functions { return acceptFunctionSuggestion(&state) }
            guard state.screen == .overview, let symbol = state.selectedSymbol else { return [] }
            acceptSuggestion(for: symbol.name, &state)
        case .acceptAllSuggestions:
            guard state.screen == .overview else { return [] }
            acceptAllSuggestions(&state)
        case .nextProblem, .previousProblem:
            jumpToProblem(&state, forward: command == .nextProblem)
        case .nextMatch, .previousMatch:
            nextMatch(&state, forward: command == .nextMatch)
        case .filter:
            guard state.screen == .overview || state.screen == .database else {
                state.message = StatusMessage(
                    text: "/ filters the overview (o) and searches the database (d)", isError: false)
                return []
            }
            if state.screen == .overview && state.focus == .problems { state.focus = .symbols }
            state.filterEditing = true
        case .showOverview: state.screen = .overview
        case .showPreview:
            refreshPreview(&state)
            state.screen = .preview
            state.textScroll = 0
        case .showSnippet:
            state.screen = .snippet
            state.textScroll = 0
        case .showFunctions: showFunctions(&state)
        case .showDatabase:
            state.screen = .database
            state.filterEditing = true
            settleAll(&state)
        case .writeOutput:
            let errors = state.plan.diagnostics.errors.count
            guard errors == 0 else {
                state.message = StatusMessage(
                    text:
                        "Cannot write: \(errors) error\(errors == 1 ? "" : "s") left (see Problems; ] goes to the next symbol to decide)",
                    isError: true)
                return []
            }
            state.overlay = .prompt(PromptState(purpose: .writeOutput, text: workspace.defaultOutputPath))
        case .saveSnippet:
            state.overlay = .prompt(PromptState(purpose: .saveSnippet, text: workspace.defaultSnippetPath))
        case .printSnippetOnExit:
            state.printSnippetOnExit.toggle()
            state.message = StatusMessage(
                text: state.printSnippetOnExit
                    ? "The snippet will be printed on exit" : "The snippet will not be printed on exit", isError: false)
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

    // MARK: - Mouse

    /// A click selects the row under the pointer and focuses its panel, a double click picks it (as Enter), the
    /// wheel scrolls the list under the pointer by three rows.
    private func mouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
        let layout = Layout(size: state.size, symbolColumns: Renderer.symbolColumns(state))
        guard !layout.tooSmall else { return [] }
        func inside(_ rect: Rect) -> Bool {
            event.row >= rect.row && event.row < rect.row + rect.rows && event.column >= rect.column
                && event.column < rect.column + rect.columns
        }
        let wheel = event.kind == .wheelUp ? -3 : event.kind == .wheelDown ? 3 : 0
        if state.screen != .overview {
            guard inside(layout.body) else { return [] }
            if wheel != 0 {
                move(&state, by: wheel)
                return []
            }
            // Database rows start under the search line and the heading.
            if state.screen == .database {
                let k = state.databaseList.top + event.row - (layout.body.row + 3)
                guard event.row >= layout.body.row + 3, k >= 0, k < databaseCount(state) else { return [] }
                state.databaseList.cursor = k
                settleAll(&state)
                if event.kind == .doubleClick { select(&state) }
            }
            return []
        }
        let panels: [(Panel, Rect, Int)] = [
            (.symbols, layout.symbols, 1), (.candidates, layout.candidates, 2),
            (.problems, layout.problems, 1),
        ]
        guard let (panel, rect, firstRow) = panels.first(where: { inside($0.1) }) else { return [] }
        if wheel != 0 {
            let focus = state.focus
            state.focus = panel
            move(&state, by: wheel)
            state.focus = focus
            settleAll(&state)
            return []
        }
        // An empty picker (an exported symbol, the exported group) has nothing to focus.
        if panel == .candidates && state.visibleCandidates.isEmpty { return [] }
        state.focus = panel
        state.filterEditing = false
        let line = event.row - (rect.row + firstRow)
        guard line >= 0, line < rect.rows - firstRow - 1 else { return [] }
        switch panel {
        case .symbols:
            let k = state.symbolList.top + line
            guard k < state.symbolRows.count else { return [] }
            state.symbolList.cursor = k
            settleAll(&state)
            syncCandidateCursor(&state)
        case .candidates:
            let k = state.candidateList.top + line
            guard k < state.visibleCandidates.count else { return [] }
            state.candidateList.cursor = k
        case .problems:
            let k = state.problemList.top + line
            guard k < state.plan.diagnostics.count else { return [] }
            state.problemList.cursor = k
            followProblem(&state)
        }
        settleAll(&state)
        if event.kind == .doubleClick { select(&state) }
        return []
    }

    private func quit(_ state: inout AppState) -> [Effect] {
        let unsaved =
            state.choices.filter { state.savedChoices[$0.key] != $0.value }.count
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
        case .functions:
            return state.functionCopiesFocused ? layout.functionCopyLines : layout.functionLines
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
            case .candidates:
                state.candidateList.cursor = shifted(state.candidateList.cursor)
            case .problems:
                state.problemList.cursor = shifted(state.problemList.cursor)
                followProblem(&state)
            }
        case .preview, .snippet:
            state.textScroll = max(0, shifted(state.textScroll))
        case .database:
            state.databaseList.cursor = shifted(state.databaseList.cursor)
        case .functions:
            if state.functionCopiesFocused {
                state.functionCopyList.cursor = shifted(state.functionCopyList.cursor)
            } else {
                state.functionList.cursor = shifted(state.functionList.cursor)
                syncFunctionCopyCursor(&state)
            }
        }
        settleAll(&state)
    }

    private func select(_ state: inout AppState) {
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols:
                guard let symbol = state.selectedSymbol else {
                    if state.symbolList.cursor < state.symbolRows.count { toggleExports(&state) }
                    return
                }
                if symbol.status == .exported {
                    let text = "\(symbol.name): \(StatusText.explanation(symbol)); nothing to decide"
                    state.message = StatusMessage(text: text, isError: false)
                } else if symbol.candidates.isEmpty {
                    state.message = StatusMessage(
                        text: "\(symbol.name): no candidates (\(StatusText.explanation(symbol)))", isError: false)
                } else {
                    state.candidateFilter = ""
                    state.filterEditing = false
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
            let row = workspace.index.candidate(Int(rows[state.databaseList.cursor]))
            guard state.plan.symbols.contains(where: { $0.name == row.name }) else {
                state.message = StatusMessage(text: "\(row.name) is not used by this livepatch", isError: false)
                return
            }
            state.screen = .overview
            state.filterEditing = false
            reveal(row.name, &state)
            if let symbol = state.selectedSymbol,
                let k = state.visibleCandidates.firstIndex(where: {
                    symbol.candidates[$0].line == row.line && symbol.candidates[$0].object == row.object
                })
            {
                state.focus = .candidates
                state.candidateList.cursor = k
                settleAll(&state)
            }
        case .functions: selectFunction(&state)
        case .preview, .snippet:
            break
        }
    }

    /// Records the candidate under the cursor as the choice for the selected symbol, then re-plans.
    private func choose(_ state: inout AppState) {
        guard let symbol = state.selectedSymbol, let c = state.selectedCandidate else { return }
        let target = SymbolTarget(object: c.object, position: c.position)
        state.choices[symbol.name] = target
        replan(&state)
        let now = state.plan.symbol(named: symbol.name)
        if let now, now.status == .chosen {
            state.message = StatusMessage(
                text: "\(symbol.name) → \(target)" + (now.newName.map { "  (\($0))" } ?? ""), isError: false)
        } else {
            state.message = StatusMessage(
                text: "\(symbol.name) → \(target): \(now.map { StatusText.label($0.status) } ?? "gone"); see Problems",
                isError: true)
        }
    }

    /// While moving through problems, the symbols list follows the symbol the problem is about (if shown).
    private func followProblem(_ state: inout AppState) {
        let diagnostics = state.plan.diagnostics
        let k = min(max(0, state.problemList.cursor), diagnostics.count - 1)
        guard k >= 0 else { return }
        guard let name = diagnostics[k].location?.symbol, let row = state.row(of: name) else { return }
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
            if state.plan.symbols[index].status == .exported { state.exportsExpanded = true }
            refilter(&state)
        }
        state.screen = .overview
        state.focus = .symbols
        state.symbolList.cursor = state.row(of: name) ?? 0
        settleAll(&state)
        syncCandidateCursor(&state)
    }

    private func toggleExports(_ state: inout AppState) {
        guard state.plan.symbols.contains(where: { $0.status == .exported }) else {
            state.message = StatusMessage(text: "This livepatch uses no exported symbol", isError: false)
            return
        }
        state.exportsExpanded.toggle()
        refilter(&state)
    }

    private func back(_ state: inout AppState) {
        if state.screen == .functions && state.functionCopiesFocused {
            state.functionCopiesFocused = false
        } else if state.screen != .overview {
            state.screen = .overview
            state.filterEditing = false
        } else if state.focus == .candidates && !state.candidateFilter.isEmpty {
            setQuery("", &state)
        } else if state.focus != .symbols {
            state.focus = .symbols
            syncCandidateCursor(&state)
        } else if !state.filter.isEmpty {
            setQuery("", &state)
        }
    }

    private func jumpToProblem(_ state: inout AppState, forward: Bool) {
        state.screen = .overview
        state.focus = .symbols
        let n = state.symbolRows.count
        guard n > 0 else { return }
        for step in 1...n {
            let k = ((state.symbolList.cursor + (forward ? step : -step)) % n + n) % n
            if let i = state.symbolRows[k].symbolIndex, state.plan.symbols[i].status.isProblem {
                state.symbolList.cursor = k
                settleAll(&state)
                syncCandidateCursor(&state)
                return
            }
        }
        state.message = StatusMessage(text: "No symbol needs a decision", isError: false)
    }

    /// n / N: the next or previous row of the filtered list, wrapping around, as after a search in less or tig.
    /// Every row a filter leaves is a match; without a filter there is nothing to repeat.
    private func nextMatch(_ state: inout AppState, forward: Bool) {
        guard !state.activeQuery.isEmpty else {
            let text = "n and N repeat a / filter; ] and [ go to the next and previous symbol to decide"
            state.message = StatusMessage(text: text, isError: false)
            return
        }
        let count: Int
        switch state.filterField {
        case .symbols: count = state.symbolRows.count
        case .candidates: count = state.visibleCandidates.count
        case .database: count = databaseCount(state)
        }
        guard count > 0 else {
            state.message = StatusMessage(text: "No match for \"\(state.activeQuery)\"", isError: false)
            return
        }
        func step(_ cursor: Int) -> Int { ((cursor + (forward ? 1 : -1)) % count + count) % count }
        switch state.filterField {
        case .symbols:
            state.symbolList.cursor = step(state.symbolList.cursor)
            syncCandidateCursor(&state)
        case .candidates: state.candidateList.cursor = step(state.candidateList.cursor)
        case .database: state.databaseList.cursor = step(state.databaseList.cursor)
        }
        settleAll(&state)
    }

    // MARK: - Text fields

    private func editInput(_ state: inout AppState, _ edit: (inout String) -> Void) {
        if case .prompt(var prompt) = state.overlay {
            edit(&prompt.text)
            prompt.matches = []
            state.overlay = .prompt(prompt)
            state.message = nil
        } else if state.filterEditing {
            var q = state.activeQuery
            edit(&q)
            setQuery(q, &state)
        }
    }

    private func setQuery(_ query: String, _ state: inout AppState) {
        switch state.filterField {
        case .database:
            state.databaseSearch.update(query, in: workspace.index)
            state.databaseList = ListPosition()
        case .candidates:
            let current = state.selectedCandidate
            state.candidateFilter = query
            let visible = state.visibleCandidates
            // Stay on the same candidate while it still matches.
            state.candidateList.cursor =
                current.flatMap { c in
                    visible.firstIndex { state.selectedSymbol?.candidates[$0] == c }
                } ?? 0
        case .symbols:
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
        case .saveSnippet: .saveSnippet(path: path, text: snippetText(state), overwrite: overwrite)
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
        if let selected, let row = state.row(of: selected) {
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

    /// Symbols whose name, candidate object or candidate file contains the filter (case-insensitive), in order
    /// of attention; exported symbols under their group's row, shown when the group is open.
    func refilter(_ state: inout AppState) {
        let selected = state.selectedSymbol?.name
        let onGroup =
            state.symbolList.cursor < state.symbolRows.count
            && state.symbolRows[state.symbolList.cursor].symbolIndex == nil
        let q = state.filter.lowercased()
        let symbols = state.plan.symbols
        var shown = symbols.indices.filter { i in
            let s = symbols[i]
            return q.isEmpty || s.name.lowercased().contains(q)
                || s.candidates.contains {
                    $0.object.lowercased().contains(q) || ($0.file?.lowercased().contains(q) ?? false)
                }
        }
        // Within a rank, the livepatch's own order: the indices are ascending, so they break ties.
        func rank(_ i: Int) -> Int { SymbolRow.rank(symbols[i].status) }
        shown.sort { (rank($0), $0) < (rank($1), $1) }
        let exported = shown.filter { symbols[$0].status == .exported }
        var rows: [SymbolRow] = shown.filter { symbols[$0].status != .exported }.map { .symbol($0) }
        if !exported.isEmpty {
            rows.append(.exportGroup(count: exported.count))
            if state.exportsExpanded { rows += exported.map { .symbol($0) } }
        }
        state.symbolRows = rows
        if onGroup, let group = rows.firstIndex(where: { $0.symbolIndex == nil }) {
            state.symbolList.cursor = group
        } else if let selected, let row = state.row(of: selected) {
            state.symbolList.cursor = row
        }
        settleAll(&state)
        syncCandidateCursor(&state)
    }

    /// Puts the candidate cursor on the candidate the symbol currently resolves to. Outside the picker, the
    /// picker's filter belongs to no symbol any more and is dropped.
    func syncCandidateCursor(_ state: inout AppState) {
        if state.focus != .candidates { state.candidateFilter = "" }
        guard let symbol = state.selectedSymbol else { return }
        let visible = state.visibleCandidates
        if let t = symbol.target,
            let k = visible.firstIndex(where: {
                symbol.candidates[$0].object == t.object && symbol.candidates[$0].position == t.position
            })
        {
            state.candidateList.cursor = k
        } else {
            state.candidateList.cursor = 0
        }
        state.candidateList.top = 0
        let layout = Layout(size: state.size)
        state.candidateList.settle(count: visible.count, visible: layout.candidateLines)
    }

    func databaseRows(_ state: AppState) -> [Int32]? { state.databaseSearch.rows }

    func databaseCount(_ state: AppState) -> Int { state.databaseSearch.count ?? workspace.index.rowCount }

    func settleAll(_ state: inout AppState) {
        let layout = Layout(size: state.size)
        state.symbolList.settle(count: state.symbolRows.count, visible: layout.symbolLines)
        state.candidateList.settle(count: state.visibleCandidates.count, visible: layout.candidateLines)
        state.problemList.settle(count: state.plan.diagnostics.count, visible: layout.problemLines)
        // Only on its screen: the database index may still be building while the overview is shown.
        if state.screen == .database {
            state.databaseList.settle(count: databaseCount(state), visible: layout.databaseLines)
        }
        settleFunctions(&state, layout)
        let textCount: Int
        switch state.screen {
        case .preview: textCount = state.preview.count + 1
        case .snippet: textCount = snippetText(state).split(separator: "\n", omittingEmptySubsequences: false).count
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
