import KLPEngine

// The full-screen views: preview (before / after), snippet, database search.

extension Renderer {
    func drawPreview(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        screen.frame(rect, title: "Preview: \(workspace.objectName) → \(workspace.defaultOutputPath)", focused: true)
        let inner = rect.inner
        let half = (inner.columns - 5) / 2
        for line in 0..<inner.rows {
            let k = state.textScroll + line
            guard k < state.preview.count else { break }
            let p = state.preview[k]
            let row = inner.row + line
            let style: Style
            switch p.kind {
            case .heading: style = .header
            case .added: style = .added
            case .removed: style = .removed
            case .changed: style = .chosen
            case .warning: style = .warning
            case .note: style = .dim
            case .unchanged: style = .normal
            }
            screen.put(p.marker, row: row, column: inner.column, style: style)
            if p.after.isEmpty && p.kind != .added {
                screen.put(p.before, row: row, column: inner.column + 2, limit: inner.columns - 3, style: style)
                continue
            }
            screen.put(
                p.before, row: row, column: inner.column + 2, limit: half, style: p.kind == .added ? .dim : style)
            if p.kind != .heading { screen.put("→", row: row, column: inner.column + 3 + half, style: .dim) }
            screen.put(
                p.after, row: row, column: inner.column + 5 + half, limit: inner.columns - half - 6,
                style: p.kind == .removed ? .dim : style)
        }
        drawScrollMark(&screen, rect, top: state.textScroll, visible: inner.rows, count: state.preview.count)
    }

    func drawSnippet(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let lines = workspace.snippetText(plan: state.plan, functionChoices: state.functionChoices)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var title = "Snippet: paste into the livepatch source"
        if state.printSnippetOnExit { title += " · printed on exit" }
        screen.frame(rect, title: title, focused: true)
        let inner = rect.inner
        screen.put(
            "Annotated and chosen symbols: f saves this to a file, P prints it on exit",
            row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
        for line in 0..<(inner.rows - 1) {
            let k = state.textScroll + line
            guard k < lines.count else { break }
            let text = lines[k].replacing("\t", with: "    ")
            let style: Style =
                text.hasPrefix("/*") ? .dim : (text.hasPrefix("KLP_") || text == "};" ? .header : .normal)
            screen.put(
                text, row: inner.row + 1 + line, column: inner.column + 1, limit: inner.columns - 1, style: style)
        }
        drawScrollMark(&screen, rect, top: state.textScroll, visible: inner.rows - 1, count: lines.count)
    }

    func drawDatabase(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let index = workspace.index
        let rows = state.databaseSearch.rows
        let count = rows?.count ?? index.rowCount
        screen.frame(
            rect,
            title: "Database: \(workspace.databaseName) · \(index.rowCount) symbols in \(index.objects.count) objects",
            focused: true)
        let inner = rect.inner
        let label = " / "
        let n = screen.put(label, row: inner.row, column: inner.column, style: .key)
        let q = screen.put(
            state.databaseSearch.query.isEmpty && !state.filterEditing
                ? "type / to search names" : state.databaseSearch.query,
            row: inner.row, column: inner.column + n, limit: inner.columns / 2,
            style: state.databaseSearch.query.isEmpty && !state.filterEditing ? .dim : .input)
        if state.filterEditing, state.overlay == nil {
            screen.cursor = (inner.row, inner.column + n + (state.databaseSearch.query.isEmpty ? 0 : q))
        }
        let summary = "\(count) match\(count == 1 ? "" : "es")"
        screen.put(
            TextWidth.fitRight(summary, to: 20), row: inner.row, column: inner.column + inner.columns - 21, style: .dim)

        let objectWidth = min(18, max(8, inner.columns / 6)), posWidth = 4
        let nameWidth = max(10, inner.columns * 45 / 100)
        let objectColumn = inner.column + 2 + nameWidth + 1
        let posColumn = objectColumn + objectWidth + 1
        let fileColumn = posColumn + posWidth + 2
        let used = Set(state.plan.symbols.map(\.name))
        screen.put(
            "  name (• used by the livepatch)", row: inner.row + 1, column: inner.column, limit: nameWidth + 1,
            style: .header)
        screen.put("object", row: inner.row + 1, column: objectColumn, style: .header)
        screen.put(TextWidth.fitRight("pos", to: posWidth), row: inner.row + 1, column: posColumn, style: .header)
        screen.put(
            "file", row: inner.row + 1, column: fileColumn, limit: inner.columns - (fileColumn - inner.column) - 1,
            style: .header)
        for line in 0..<max(0, inner.rows - 2) {
            let k = state.databaseList.top + line
            guard k < count else { break }
            let rowIndex = rows.map { Int($0[k]) } ?? k
            // Rows are the database's records: the record carries its own position.
            let r = index.candidate(rowIndex)
            let row = inner.row + 2 + line
            let isCursor = k == state.databaseList.cursor
            let base: Style = isCursor ? .selected : .normal
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(
                isCursor ? "▸" : (used.contains(r.name) ? "•" : " "), row: row, column: inner.column,
                style: isCursor ? base : .chosen)
            screen.put(r.name, row: row, column: inner.column + 2, limit: nameWidth, style: base)
            screen.put(r.object, row: row, column: objectColumn, limit: objectWidth, style: base)
            screen.put(TextWidth.fitRight(String(r.position), to: posWidth), row: row, column: posColumn, style: base)
            screen.put(
                r.file ?? "–", row: row, column: fileColumn, limit: inner.columns - (fileColumn - inner.column) - 1,
                style: isCursor ? base : .dim)
        }
        drawScrollMark(&screen, rect, top: state.databaseList.top, visible: inner.rows - 2, count: count)
    }
}
