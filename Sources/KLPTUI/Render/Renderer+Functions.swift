import KLPEngine

// The patched functions screen (issue 17): every klp_func with its verdict as a text badge, the copies of the
// highlighted entry (the same picker as for relocations: position, path:line, suggestion mark), the evidence of
// the highlighted copy, and the `.old_sympos` edit a choice asks for.

extension Renderer {
    func drawFunctions(_ screen: inout ScreenBuffer, _ layout: Layout, _ state: AppState) {
        let rects = layout.functionRects
        let functions = state.plan.patchedFunctions
        drawFunctionList(&screen, rects.list, state, functions)
        guard state.functionList.cursor < functions.count else { return }
        let i = state.functionList.cursor
        let copies = i < workspace.functionEvidence.count ? workspace.functionEvidence[i] : []
        drawFunctionCopies(&screen, rects.copies, state, functions[i], copies: copies, chosen: state.functionChoices[i])
        let f = functions[i]
        if state.functionCopyList.cursor < f.copies.count {
            let c = f.copies[state.functionCopyList.cursor]
            drawCopyDetails(
                &screen, rects.details, title: "\(f.function.name): \(c.object), old_sympos \(c.position)", c,
                copy: copies.first { $0.candidate == c }, suggestion: copies.first(where: \.suggested),
                hasEvidence: copies.contains(where: CandidateEvidence.hasEvidence))
        } else {
            screen.frame(rects.details, title: "Copy", focused: false)
            let why = f.objectKnown ? "\(f.function.object) has no symbol of this name" : "object not in symbols.klp"
            let nearest = f.nearestNames.isEmpty ? "" : "; nearest: " + f.nearestNames.joined(separator: ", ")
            screen.put(
                why + nearest, row: rects.details.inner.row, column: rects.details.inner.column + 1,
                limit: rects.details.inner.columns - 1, style: .dim)
        }
    }

    static func badge(_ verdict: PatchedFunctionStatus.Verdict, objectKnown: Bool) -> (String, Style) {
        switch verdict {
        case .ok: ("ok", .good)
        case .ambiguous: ("AMBIG!", .error)
        case .invalid: ("INVALID!", .error)
        case .missing: objectKnown ? ("MISSING!", .error) : ("unknown", .warning)
        }
    }

    private func drawFunctionList(
        _ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState, _ functions: [PatchedFunctionStatus]
    ) {
        let focused = !state.functionCopiesFocused
        screen.frame(rect, title: "Patched functions (\(functions.count) klp_func)", focused: focused)
        let inner = rect.inner
        guard inner.rows > 1 else { return }
        guard !functions.isEmpty else {
            screen.put(
                "no klp_patch -> klp_object -> klp_func table was read from this livepatch",
                row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
            return
        }
        let badgeWidth = 9, nameWidth = max(12, inner.columns * 30 / 100), posWidth = 11
        let placeColumn = inner.column + 2 + badgeWidth + nameWidth + posWidth + 2
        screen.put("  status", row: inner.row, column: inner.column, style: .header)
        screen.put("old_name", row: inner.row, column: inner.column + 2 + badgeWidth, style: .header)
        screen.put("old_sympos", row: inner.row, column: inner.column + 2 + badgeWidth + nameWidth, style: .header)
        screen.put(
            "entry (object)", row: inner.row, column: placeColumn,
            limit: inner.columns - (placeColumn - inner.column), style: .header)
        for line in 0..<(inner.rows - 1) {
            let k = state.functionList.top + line
            guard k < functions.count else { break }
            let f = functions[k]
            let row = inner.row + 1 + line
            let isCursor = k == state.functionList.cursor
            let base: Style = isCursor ? (focused ? .selected : .selectedDim) : .normal
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            let (badge, style) = Self.badge(f.verdict, objectKnown: f.objectKnown)
            screen.put(badge, row: row, column: inner.column + 2, limit: badgeWidth, style: isCursor ? base : style)
            screen.put(
                f.function.name, row: row, column: inner.column + 2 + badgeWidth, limit: nameWidth - 1,
                style: base)
            var sympos = String(f.function.position)
            if let chosen = state.functionChoices[k] { sympos += " → \(chosen)" }
            screen.put(
                sympos, row: row, column: inner.column + 2 + badgeWidth + nameWidth, limit: posWidth,
                style: state.functionChoices[k] != nil && !isCursor ? .chosen : base)
            screen.put(
                f.place, row: row, column: placeColumn, limit: inner.columns - (placeColumn - inner.column),
                style: isCursor ? base : .dim)
        }
        drawScrollMark(&screen, rect, top: state.functionList.top, visible: inner.rows - 1, count: functions.count)
    }

    private func drawFunctionCopies(
        _ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState, _ f: PatchedFunctionStatus,
        copies evidence: [CopyEvidence], chosen: Int?
    ) {
        let focused = state.functionCopiesFocused
        let count = f.copies.count
        screen.frame(
            rect, title: focused ? "Pick the copy (\(count))" : "Copies in \(f.function.object) (\(count))",
            focused: focused)
        let inner = rect.inner
        guard inner.rows > 1 else { return }
        // The last row: the edit the entry needs (or has), what the snippet screen collects.
        let editRow = inner.row + inner.rows - 1
        if let chosen {
            let copy = evidence.first { $0.candidate.position == chosen }
            let edit = OldSymposEdit.line(position: chosen, copy: copy).replacing("\t", with: " ")
            screen.put(
                "edit \(f.place):\(edit)", row: editRow, column: inner.column + 1,
                limit: inner.columns - 1, style: .chosen)
        } else if f.verdict == .ambiguous || f.verdict == .invalid {
            screen.put(
                "Enter on a copy gives the .old_sympos edit", row: editRow, column: inner.column + 1,
                limit: inner.columns - 1, style: .dim)
        }
        let posWidth = 4
        for line in 0..<max(0, inner.rows - 1) {
            let k = state.functionCopyList.top + line
            guard k < count, inner.row + line < editRow else { break }
            let c = f.copies[k]
            let copy = evidence.first { $0.candidate == c }
            let row = inner.row + line
            let isCursor = focused && k == state.functionCopyList.cursor
            let isTarget = (chosen ?? f.selected?.position) == c.position
            let base: Style = isCursor ? .selected : (isTarget ? .chosen : .normal)
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            screen.put(isTarget ? "(•)" : "( )", row: row, column: inner.column + 1, style: base)
            screen.put(
                TextWidth.fitRight(String(c.position), to: posWidth), row: row, column: inner.column + 5,
                style: base)
            screen.put(
                Self.placeText(copy, c), row: row, column: inner.column + 6 + posWidth,
                limit: inner.columns - posWidth - 7,
                style: isCursor ? base : (c.file == nil ? .dim : (copy?.suggested == true ? .good : base)))
        }
    }
}
