import KLPEngine

// The patched functions screen (issue 17): the klp_func entries with their verdict, the copies of the highlighted
// one with the same evidence and suggestion as the candidate picker, and a choice that becomes the source edit
// `.old_sympos = N` (shown on the snippet screen and saved with it). The binary keeps what the source says: the
// edit has to be made in the patch and the patch rebuilt (DECISIONS 7).

extension Reducer {
    func showFunctions(_ state: inout AppState) {
        state.screen = .functions
        state.filterEditing = false
        if state.plan.patchedFunctions.isEmpty {
            state.message = StatusMessage(
                text: "no klp_func entries were read from this livepatch (or --no-check-functions)", isError: false)
        } else if state.functionList.cursor == 0,
            let first = state.plan.patchedFunctions.firstIndex(where: { $0.verdict != .ok })
        {
            // Start on the first entry the kernel would refuse.
            state.functionList.cursor = first
            syncFunctionCopyCursor(&state)
        }
        settleAll(&state)
    }

    /// The entry under the cursor of the functions list.
    func selectedFunctionIndex(_ state: AppState) -> Int? {
        state.functionList.cursor < state.plan.patchedFunctions.count ? state.functionList.cursor : nil
    }

    func selectFunction(_ state: inout AppState) {
        guard let i = selectedFunctionIndex(state) else { return }
        let function = state.plan.patchedFunctions[i]
        if !state.functionCopiesFocused {
            guard !function.copies.isEmpty else {
                let why = function.objectKnown ? "no copy in \(function.function.object)" : "object not in symbols.klp"
                state.message = StatusMessage(text: "\(function.function.name): \(why)", isError: false)
                return
            }
            state.functionCopiesFocused = true
            syncFunctionCopyCursor(&state)
            return
        }
        guard state.functionCopyList.cursor < function.copies.count else { return }
        choose(function.copies[state.functionCopyList.cursor].position, forFunction: i, reason: nil, &state)
    }

    func acceptFunctionSuggestion(_ state: inout AppState) -> [Effect] {
        guard let i = selectedFunctionIndex(state) else { return [] }
        let copies = i < workspace.functionEvidence.count ? workspace.functionEvidence[i] : []
        guard let copy = copies.first(where: \.suggested) else {
            state.message = StatusMessage(
                text: "\(state.plan.patchedFunctions[i].function.name): the patch suggests no copy", isError: false)
            return []
        }
        choose(copy.candidate.position, forFunction: i, reason: copy.reason, &state)
        return []
    }

    func clearFunctionChoice(_ state: inout AppState) -> [Effect] {
        guard let i = selectedFunctionIndex(state) else { return [] }
        let name = state.plan.patchedFunctions[i].function.name
        if state.functionChoices.removeValue(forKey: i) != nil {
            state.message = StatusMessage(text: "\(name): old_sympos choice removed", isError: false)
        } else {
            state.message = StatusMessage(text: "\(name) has no old_sympos chosen here", isError: false)
        }
        return []
    }

    private func choose(_ position: Int, forFunction i: Int, reason: String?, _ state: inout AppState) {
        let function = state.plan.patchedFunctions[i]
        state.functionChoices[i] = position
        let because = reason.map { " (suggested: \($0))" } ?? ""
        state.message = StatusMessage(
            text: "\(function.function.name) in \(function.place): .old_sympos = \(position)\(because); edit the "
                + "source and rebuild (s shows the edits, w saves them)", isError: false)
    }

    /// Puts the copy cursor on the copy chosen here, else on the one the entry selects, else the first.
    func syncFunctionCopyCursor(_ state: inout AppState) {
        guard let i = selectedFunctionIndex(state) else { return }
        let function = state.plan.patchedFunctions[i]
        let position = state.functionChoices[i] ?? function.selected?.position
        state.functionCopyList.cursor = function.copies.firstIndex { $0.position == position } ?? 0
        state.functionCopyList.top = 0
    }

    func settleFunctions(_ state: inout AppState, _ layout: Layout) {
        state.functionList.settle(count: state.plan.patchedFunctions.count, visible: layout.functionLines)
        let copies = selectedFunctionIndex(state).map { state.plan.patchedFunctions[$0].copies.count } ?? 0
        state.functionCopyList.settle(count: copies, visible: layout.functionCopyLines)
    }

    func snippetText(_ state: AppState) -> String {
        workspace.snippetText(plan: state.plan, functionChoices: state.functionChoices)
    }
}

extension Layout {
    /// The functions screen: the entries on top, the copies of the highlighted one below left, the highlighted
    /// copy's evidence below right.
    var functionRects: (list: Rect, copies: Rect, details: Rect) {
        let listRows = max(5, body.rows * 40 / 100)
        let list = Rect(row: body.row, column: body.column, rows: listRows, columns: body.columns)
        let rest = body.rows - listRows
        let left = max(30, body.columns * 50 / 100)
        let copies = Rect(row: body.row + listRows, column: body.column, rows: rest, columns: left)
        let details = Rect(row: body.row + listRows, column: left, rows: rest, columns: body.columns - left)
        return (list, copies, details)
    }

    public var functionLines: Int { max(1, functionRects.list.rows - 3) }  // frame + a heading row
    public var functionCopyLines: Int { max(1, functionRects.copies.rows - 3) }  // frame + the edit row
}
