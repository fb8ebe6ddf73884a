import KLPEngine

// render(state) -> ScreenBuffer: pure, one function per panel. The curses layer only copies the buffer out.

public struct Renderer: Sendable {
    public let workspace: Workspace
    public var keymap = Keymap.standard

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    public func render(_ state: AppState) -> ScreenBuffer {
        var screen = ScreenBuffer(size: state.size)
        let layout = Layout(size: state.size)
        guard !layout.tooSmall else {
            let lines = ["Terminal too small: \(state.size)", "klp-convert tui needs \(Layout.minimum)", "q quits"]
            for (i, line) in lines.enumerated() {
                screen.put(line, row: i, column: 0, style: i == 0 ? .error : .normal)
            }
            return screen
        }
        drawTitle(&screen, layout.title, state)
        switch state.screen {
        case .overview:
            drawSymbols(&screen, layout.symbols, state)
            drawDetails(&screen, layout.details, state)
            drawCandidates(&screen, layout.candidates, state)
            drawProblems(&screen, layout.problems, state)
        case .preview: drawPreview(&screen, layout.body, state)
        case .snippet: drawSnippet(&screen, layout.body, state)
        case .database: drawDatabase(&screen, layout.body, state)
        }
        drawHints(&screen, layout.hints, state)
        switch state.overlay {
        case .help(let scroll): drawHelp(&screen, state, scroll: scroll)
        case .prompt(let prompt): drawPrompt(&screen, prompt)
        case .confirm(let question): drawConfirm(&screen, question)
        case nil: break
        }
        return screen
    }

    // MARK: - Bars

    func drawTitle(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        screen.fill(rect, style: .title)
        let order = workspace.database.order == .kallsyms ? "kallsyms order" : "name-sorted"
        let open = state.plan.symbols.filter { $0.status.isProblem }.count
        let right = open == 0 ? "ready to write · ? help " : "\(open) to decide · ? help "
        let rightWidth = TextWidth.width(of: right)
        let space = max(0, rect.columns - rightWidth - 1)
        // The most informative title that fits.
        let example = workspace.isExample ? " (bundled example)" : ""
        let titles = [
            " klp-convert · \(workspace.objectName)\(example) · \(workspace.databaseName) (\(order))",
            " klp-convert · \(workspace.objectName)\(example) · \(workspace.databaseName)",
            " klp-convert · \(workspace.objectName) · \(workspace.databaseName)",
        ]
        let left = titles.first { TextWidth.width(of: $0) <= space } ?? titles[titles.count - 1]
        screen.put(left, row: rect.row, column: 0, limit: space, style: .title)
        screen.put(right, row: rect.row, column: rect.columns - rightWidth, style: .title)
    }

    func drawHints(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        screen.fill(rect, style: .status)
        if let message = state.message {
            screen.put(" " + message.text, row: rect.row, column: 0, style: message.isError ? .error : .status)
            return
        }
        if state.filterEditing {
            let what = state.screen == .database ? "Search" : "Filter"
            let shown = " \(what): \(state.activeQuery)"
            let n = screen.put(shown, row: rect.row, column: 0, style: .input)
            screen.cursor = (rect.row, min(n, rect.columns - 1))
            screen.put("   Enter keep · Esc clear · ↑↓ move", row: rect.row, column: n + 1, style: .status)
            return
        }
        let commands: [Command]
        switch state.screen {
        case .overview:
            switch state.focus {
            case .symbols: commands = [.select, .nextProblem, .filter, .nextPanel, .showPreview, .showSnippet, .showDatabase, .writeOutput, .saveChoices, .help, .quit]
            case .candidates: commands = [.select, .acceptSuggestion, .clearChoice, .back, .nextPanel, .showPreview, .showSnippet, .writeOutput, .help, .quit]
            case .problems: commands = [.select, .nextPanel, .showPreview, .writeOutput, .help, .quit]
            }
        case .preview: commands = [.back, .showSnippet, .writeOutput, .help, .quit]
        case .snippet: commands = [.saveSnippet, .printSnippetOnExit, .back, .showPreview, .help, .quit]
        case .database: commands = [.filter, .select, .back, .help, .quit]
        }
        let contexts = Keymap.contexts(for: state)
        func entry(_ command: Command) -> (key: String, label: String, width: Int)? {
            guard let key = contexts.lazy.compactMap({ keymap.keys(for: command, in: $0).first }).first else { return nil }
            let label = command.hint
            return (key.description, label, TextWidth.width(of: key.description) + 1 + TextWidth.width(of: label) + 2)
        }
        // Help and quit always show; the others as long as they fit.
        let fixed = [Command.help, .quit].compactMap(entry)
        var shown: [(key: String, label: String, width: Int)] = []
        var room = rect.columns - 1 - fixed.reduce(0) { $0 + $1.width }
        for command in commands where command != .help && command != .quit {
            guard let e = entry(command), e.width <= room else { continue }
            shown.append(e)
            room -= e.width
        }
        var column = 1
        for e in shown + fixed {
            column += screen.put(e.key, row: rect.row, column: column, style: .key)
            column += screen.put(" " + e.label + "  ", row: rect.row, column: column, style: .status)
        }
    }

    // MARK: - Overview

    func drawSymbols(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .symbols
        let total = state.plan.symbols.count
        var title = "Symbols \(state.visibleSymbols.count)"
        if state.visibleSymbols.count != total { title += "/\(total)" }
        if !state.filter.isEmpty { title += " · filter \"\(state.filter)\"" }
        screen.frame(rect, title: title, focused: focused)
        let inner = rect.inner
        if state.visibleSymbols.isEmpty {
            screen.put(total == 0 ? "Nothing to convert: no undefined symbols are used" : "No symbol matches the filter",
                       row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
            return
        }
        let badge = StatusText.badgeWidth
        let widestTarget = state.visibleSymbols.map { state.plan.symbols[$0].target.map { TextWidth.width(of: $0.description) } ?? 8 }.max() ?? 8
        let targetWidth = min(max(8, inner.columns / 3), max(8, widestTarget))
        for line in 0..<inner.rows {
            let k = state.symbolList.top + line
            guard k < state.visibleSymbols.count else { break }
            let s = state.plan.symbols[state.visibleSymbols[k]]
            let row = inner.row + line
            let isCursor = k == state.symbolList.cursor
            let base: Style = isCursor ? (focused ? .selected : .selectedDim) : .normal
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            screen.put(TextWidth.fit(StatusText.badge(s.status), to: badge), row: row, column: inner.column + 1,
                       style: isCursor && focused ? base : StatusText.style(s.status))
            let nameColumn = inner.column + 2 + badge
            let nameWidth = inner.columns - (2 + badge) - targetWidth - 2
            screen.put(s.name, row: row, column: nameColumn, limit: nameWidth, style: base)
            let target: String
            if let t = s.target {
                target = t.description
            } else if s.status == .ambiguous {
                target = "\(s.candidates.count) cand."
            } else {
                target = "–"
            }
            screen.put(TextWidth.fitRight(target, to: targetWidth), row: row, column: inner.column + inner.columns - targetWidth - 1,
                       style: isCursor ? base : .dim)
        }
        drawScrollMark(&screen, rect, top: state.symbolList.top, visible: inner.rows, count: state.visibleSymbols.count)
    }

    /// Words of `text` in lines of at most `width` columns (a word longer than a line is clipped later).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if TextWidth.width(of: candidate) > width && !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The problem under the cursor, whole: message, place and the engine's detail lines (candidate listing).
    func drawProblemDetails(_ screen: inout ScreenBuffer, _ rect: Rect, _ p: Diagnostic) {
        screen.frame(rect, title: p.severity == .error ? "Error" : p.severity == .warning ? "Warning" : "Note", focused: false)
        let inner = rect.inner
        let style: Style = p.severity == .error ? .error : p.severity == .warning ? .warning : .dim
        var lines: [(String, Style)] = Self.wrap(p.message, width: inner.columns - 2).map { ($0, style) }
        if let place = p.location?.description, !place.isEmpty { lines.append(("at " + place, .dim)) }
        lines += p.detail.map { ($0.replacing("\t", with: "  "), Style.normal) }
        for (i, line) in lines.prefix(inner.rows).enumerated() {
            screen.put(line.0, row: inner.row + i, column: inner.column + 1, limit: inner.columns - 2, style: line.1)
        }
    }

    func drawDetails(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        if state.focus == .problems, state.problemList.cursor < state.plan.diagnostics.count {
            drawProblemDetails(&screen, rect, state.plan.diagnostics[state.problemList.cursor])
            return
        }
        guard let s = state.selectedSymbol else {
            screen.frame(rect, title: "Details", focused: false)
            return
        }
        if state.focus == .candidates, state.candidateList.cursor < s.candidates.count {
            drawCandidateDetails(&screen, rect, s, s.candidates[state.candidateList.cursor])
            return
        }
        screen.frame(rect, title: s.name, focused: false)
        let inner = rect.inner
        var lines: [(String, String, Style)] = []
        lines.append(("status", "[\(StatusText.badge(s.status))] \(StatusText.label(s.status)): \(StatusText.explanation(s))", StatusText.style(s.status)))
        if let t = s.target {
            lines.append(("target", "\(t)" + (s.newName.map { " → \($0)" } ?? ""), .normal))
        }
        if let a = s.annotation, s.status != .annotated {
            lines.append(("annot.", "\(a.object),\(a.position) in the patch (\(a.source))", .dim))
        }
        for (k, use) in s.uses.enumerated() {
            var text = "\(use.baseSection)+0x\(String(use.offset, radix: 16))  \(use.typeName)"
            switch use.verdict {
            case .allowed: break
            case .readOnlyLate: text += "  read-only, late!"
            case .refused(let why): text += "  refused: \(why)"
            }
            let style: Style
            switch use.verdict {
            case .allowed: style = .normal
            case .readOnlyLate: style = .warning
            case .refused: style = .error
            }
            lines.append((k == 0 ? "uses \(s.uses.count)" : "", text, style))
        }
        let labelWidth = 8
        // When the lines do not fit, the last row says how many are hidden.
        let shown = lines.count > inner.rows ? max(0, inner.rows - 1) : lines.count
        for (i, line) in lines.prefix(shown).enumerated() {
            let row = inner.row + i
            screen.put(line.0, row: row, column: inner.column + 1, limit: labelWidth, style: .header)
            screen.put(line.1, row: row, column: inner.column + 2 + labelWidth, limit: inner.columns - labelWidth - 3, style: line.2)
        }
        if shown < lines.count, inner.rows > 0 {
            screen.put("… \(lines.count - shown) more", row: inner.row + shown, column: inner.column + 2 + labelWidth,
                       limit: inner.columns - labelWidth - 3, style: .dim)
        }
    }

    func drawCandidates(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .candidates
        let s = state.selectedSymbol
        let count = s?.candidates.count ?? 0
        screen.frame(rect, title: focused ? "Pick a candidate (\(count))" : "Candidates (\(count))", focused: focused)
        let inner = rect.inner
        guard let s, inner.rows > 1 else { return }
        if s.candidates.isEmpty {
            screen.put(s.status == .notFound ? "symbols.klp has no symbol of this name (d searches it)" : "No candidates in symbols.klp",
                       row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
            return
        }
        let objectWidth = min(18, max(8, s.candidates.map { TextWidth.width(of: $0.object) }.max() ?? 8))
        let posWidth = 4
        let copiesWidth = 9
        let fileColumn = inner.column + 5 + objectWidth + posWidth + 2
        let fileWidth = inner.columns - (fileColumn - inner.column) - copiesWidth - 1
        screen.put("     object", row: inner.row, column: inner.column, limit: 5 + objectWidth, style: .header)
        screen.put(TextWidth.fitRight("pos", to: posWidth), row: inner.row, column: inner.column + 5 + objectWidth, style: .header)
        screen.put("file", row: inner.row, column: fileColumn, limit: fileWidth, style: .header)
        screen.put(TextWidth.fitRight("copies", to: copiesWidth), row: inner.row, column: inner.column + inner.columns - copiesWidth - 1, style: .header)
        for line in 0..<(inner.rows - 1) {
            let k = state.candidateList.top + line
            guard k < s.candidates.count else { break }
            let c = s.candidates[k]
            let row = inner.row + 1 + line
            let isCursor = focused && k == state.candidateList.cursor
            let isTarget = s.target.map { $0.object == c.object && $0.position == c.position } ?? false
            let base: Style = isCursor ? .selected : (isTarget ? .chosen : .normal)
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            screen.put(isTarget ? "(•)" : "( )", row: row, column: inner.column + 1, style: base)
            screen.put(c.object, row: row, column: inner.column + 5, limit: objectWidth, style: base)
            screen.put(TextWidth.fitRight(String(c.position), to: posWidth), row: row, column: inner.column + 5 + objectWidth, style: base)
            let suggested = workspace.evidence.copy(of: s.name, c)?.suggested == true
            screen.put(candidateFileText(s, c), row: row, column: fileColumn, limit: fileWidth,
                       style: isCursor ? base : (c.file == nil ? .dim : (suggested ? .good : base)))
            let copies = c.copiesInObject == 1 ? "unique" : "\(c.copiesInObject) in obj"
            screen.put(TextWidth.fitRight(copies, to: copiesWidth), row: row, column: inner.column + inner.columns - copiesWidth - 1,
                       style: isCursor ? base : .dim)
        }
        drawScrollMark(&screen, rect, top: state.candidateList.top, visible: inner.rows - 1, count: s.candidates.count)
    }

    func drawProblems(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .problems
        let d = state.plan.diagnostics
        let errors = d.errors.count, warnings = d.warnings.count
        screen.frame(rect, title: "Problems: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")", focused: focused)
        let inner = rect.inner
        if d.isEmpty {
            screen.put("No problems", row: inner.row, column: inner.column + 1, style: .good)
            return
        }
        for line in 0..<inner.rows {
            let k = state.problemList.top + line
            guard k < d.count else { break }
            let p = d[k]
            let row = inner.row + line
            let isCursor = focused && k == state.problemList.cursor
            let base: Style = isCursor ? .selected : .normal
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            let severity: String
            let style: Style
            switch p.severity {
            case .error: (severity, style) = ("ERROR", .error)
            case .warning: (severity, style) = ("warning", .warning)
            case .note: (severity, style) = ("note", .dim)
            }
            screen.put(TextWidth.fit(severity, to: 8), row: row, column: inner.column + 1, style: isCursor ? base : style)
            let place = p.location.map { $0.description.isEmpty ? "" : $0.description } ?? ""
            let placeWidth = min(28, TextWidth.width(of: place))
            let messageWidth = inner.columns - 10 - (placeWidth > 0 ? placeWidth + 2 : 0)
            screen.put(p.message, row: row, column: inner.column + 10, limit: messageWidth, style: base)
            if placeWidth > 0 {
                screen.put(TextWidth.fitRight(place, to: placeWidth), row: row, column: inner.column + inner.columns - placeWidth - 1,
                           style: isCursor ? base : .dim)
            }
        }
        drawScrollMark(&screen, rect, top: state.problemList.top, visible: inner.rows, count: d.count)
    }

    /// "12-30/80" in the bottom edge of a frame when its list does not fit.
    func drawScrollMark(_ screen: inout ScreenBuffer, _ rect: Rect, top: Int, visible: Int, count: Int) {
        guard count > visible, rect.columns > 14 else { return }
        let mark = " \(top + 1)-\(min(count, top + visible))/\(count) "
        let w = TextWidth.width(of: mark)
        screen.put(mark, row: rect.row + rect.rows - 1, column: rect.column + rect.columns - w - 2, style: .dim)
    }
}
