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
        let layout = Layout(size: state.size, symbolColumns: Self.symbolColumns(state))
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
        case .functions: drawFunctions(&screen, layout, state)
        }
        drawHints(&screen, layout.hints, state)
        switch state.overlay {
        case .help(let scroll): drawHelp(&screen, state, scroll: scroll)
        case .prompt(let prompt): drawPrompt(&screen, prompt, bar: layout.hints)
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
        // Patched functions the kernel would refuse: fixed in the source (f shows them), not here.
        let functions = state.plan.patchedFunctions.filter { $0.verdict != .ok && $0.objectKnown }.count
        let right =
            open > 0
            ? "\(open) to decide · ? help "
            : functions > 0 ? "\(functions) klp_func to fix (t) · ? help " : "ready to write · ? help "
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
        // A prompt, a question or the help has the keys of its own, not the panel's.
        if let overlay = state.overlay {
            drawKeyBar(&screen, rect, Self.overlayKeys(overlay), message: state.message)
            return
        }
        if let message = state.message {
            screen.put(" " + message.text, row: rect.row, column: 0, style: message.isError ? .error : .status)
            return
        }
        if state.filterEditing {
            let what: String
            switch state.filterField {
            case .database: what = "Search"
            case .candidates: what = "Filter candidates"
            case .symbols: what = "Filter symbols"
            }
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
            case .symbols:
                commands =
                    [.select, .nextProblem, .filter] + (state.filter.isEmpty ? [] : [.nextMatch])
                    + [.nextPanel, .showPreview, .showSnippet, .showDatabase, .writeOutput, .saveChoices, .help, .quit]
            case .candidates:
                commands =
                    [.select, .acceptSuggestion, .filter] + (state.candidateFilter.isEmpty ? [] : [.nextMatch])
                    + [.clearChoice, .back, .nextPanel, .showPreview, .showSnippet, .writeOutput, .help, .quit]
            case .problems: commands = [.select, .nextPanel, .showPreview, .writeOutput, .help, .quit]
            }
        case .preview: commands = [.back, .showSnippet, .writeOutput, .help, .quit]
        case .snippet: commands = [.saveSnippet, .printSnippetOnExit, .writeOutput, .back, .showPreview, .help, .quit]
        case .database: commands = [.filter, .select, .back, .help, .quit]
        case .functions:
            commands =
                state.functionCopiesFocused
                ? [.select, .acceptSuggestion, .clearChoice, .back, .showSnippet, .saveSnippet, .help, .quit]
                : [.select, .acceptSuggestion, .back, .showSnippet, .saveSnippet, .help, .quit]
        }
        let contexts = Keymap.contexts(for: state)
        func entry(_ command: Command) -> (key: String, label: String, width: Int)? {
            guard let key = contexts.lazy.compactMap({ keymap.keys(for: command, in: $0).first }).first else {
                return nil
            }
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

    /// Column widths from content: the symbols panel gets what its names and targets need and the picker what its
    /// objects and files need; when both do not fit, each gives up its share.
    static func symbolColumns(_ state: AppState) -> Int {
        let symbols = state.visibleSymbols.map { state.plan.symbols[$0] }
        let name = symbols.map { TextWidth.width(of: $0.name) }.max() ?? 20
        let target =
            symbols.map { TextWidth.width(of: $0.target?.description ?? "\($0.candidates.count) cand.") }.max() ?? 8
        let names = max(2 + 1 + StatusText.badgeWidth + 1 + name + 2, TextWidth.width(of: symbolsTitle(state)) + 6)
        let left = names + max(8, target) + 1
        let candidates = state.selectedSymbol?.candidates ?? []
        let object = max(6, candidates.map { TextWidth.width(of: $0.object) }.max() ?? 8)
        let file = max(4, candidates.map { TextWidth.width(of: $0.file ?? "–") }.max() ?? 10)
        let right = 2 + 5 + min(18, object) + 1 + 4 + 2 + file + 1 + Self.copiesWidth + 1
        let columns = state.size.columns
        if left + right <= columns { return left }
        // Names before targets: the targets column goes first (the details panel shows the target).
        if names + right <= columns { return columns - right }
        // Still too wide: names first, as long as the picker keeps a usable width.
        return min(names, columns - 34)
    }

    static let copiesWidth = 7

    /// "Symbols 7: 3 to decide, 1 exported", or the filter's count and text.
    static func symbolsTitle(_ state: AppState) -> String {
        let total = state.plan.symbols.count
        let folded =
            state.exportsExpanded
            ? 0
            : state.symbolRows.reduce(0) { n, row in
                if case .exportGroup(let count) = row { return n + count }
                return n
            }
        let shown = state.visibleSymbols.count + folded
        var title = "Symbols \(shown)"
        if shown != total { title += "/\(total)" }
        if state.filter.isEmpty {
            let open = state.plan.symbols.filter { $0.status.isProblem }.count
            let exported = state.plan.symbols.filter { $0.status == .exported }.count
            let counts = (open > 0 ? ["\(open) to decide"] : []) + (exported > 0 ? ["\(exported) exported"] : [])
            if !counts.isEmpty { title += ": " + counts.joined(separator: ", ") }
        } else {
            title += " · filter \"\(state.filter)\""
        }
        return title
    }

    func drawSymbols(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .symbols
        let total = state.plan.symbols.count
        let title = Self.symbolsTitle(state)
        screen.frame(rect, title: title, focused: focused)
        let inner = rect.inner
        if state.symbolRows.isEmpty {
            screen.put(
                total == 0 ? "Nothing to convert: no undefined symbols are used" : "No symbol matches the filter",
                row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
            return
        }
        let badge = StatusText.badgeWidth
        let widestTarget =
            state.visibleSymbols.map { state.plan.symbols[$0].target.map { TextWidth.width(of: $0.description) } ?? 8 }
            .max() ?? 8
        let widestName = state.visibleSymbols.map { TextWidth.width(of: state.plan.symbols[$0].name) }.max() ?? 0
        var targetWidth = min(max(8, inner.columns / 3), max(8, widestTarget))
        // No room for both: names stay whole and the targets column goes (the details panel shows the target).
        if inner.columns - (2 + badge) - targetWidth - 2 < widestName { targetWidth = 0 }
        for line in 0..<inner.rows {
            let k = state.symbolList.top + line
            guard k < state.symbolRows.count else { break }
            let row = inner.row + line
            let isCursor = k == state.symbolList.cursor
            let base: Style = isCursor ? (focused ? .selected : .selectedDim) : .normal
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            guard let index = state.symbolRows[k].symbolIndex else {
                // The exported symbols' group: what they are and how to open it, instead of a row each.
                guard case .exportGroup(let n) = state.symbolRows[k] else { continue }
                let text =
                    (state.exportsExpanded ? "[-] " : "[+] ") + "\(n) exported: nothing to do"
                    + " (e)"
                screen.put(
                    text, row: row, column: inner.column + 1, limit: inner.columns - 2,
                    style: isCursor && focused ? base : .exported)
                continue
            }
            let s = state.plan.symbols[index]
            screen.put(
                TextWidth.fit(StatusText.badge(s.status), to: badge), row: row, column: inner.column + 1,
                style: isCursor && focused ? base : StatusText.style(s.status))
            let nameColumn = inner.column + 2 + badge
            let nameWidth = inner.columns - (2 + badge) - (targetWidth > 0 ? targetWidth + 2 : 1)
            screen.put(s.name, row: row, column: nameColumn, limit: nameWidth, style: base)
            let target: String
            if let t = s.target {
                target = t.description
            } else if s.status == .ambiguous {
                target = "\(s.candidates.count) cand."
            } else {
                target = "–"
            }
            if targetWidth > 0 {
                screen.put(
                    TextWidth.fitRight(target, to: targetWidth), row: row,
                    column: inner.column + inner.columns - targetWidth - 1, style: isCursor ? base : .dim)
            }
        }
        drawScrollMark(&screen, rect, top: state.symbolList.top, visible: inner.rows, count: state.symbolRows.count)
    }

    /// Words of `text` in lines of at most `width` columns. A word longer than a line is clipped later, or, with
    /// `breakingLongWords`, cut into pieces of a line each (names, paths: every character stays visible).
    static func wrap(_ text: String, width: Int, breakingLongWords: Bool = false) -> [String] {
        var lines: [String] = []
        var line = ""
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if breakingLongWords, width > 0 {
            words = words.flatMap { word -> [String] in
                guard TextWidth.width(of: word) > width else { return [word] }
                var pieces: [String] = [], piece = String.UnicodeScalarView(), used = 0
                for scalar in word.unicodeScalars {
                    let w = TextWidth.width(of: scalar)
                    if used + w > width, !piece.isEmpty {
                        pieces.append(String(piece))
                        piece = String.UnicodeScalarView()
                        used = 0
                    }
                    piece.append(scalar)
                    used += w
                }
                if !piece.isEmpty { pieces.append(String(piece)) }
                return pieces
            }
        }
        for word in words {
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
        screen.frame(
            rect, title: p.severity == .error ? "Error" : p.severity == .warning ? "Warning" : "Note", focused: false)
        let inner = rect.inner
        let style: Style = p.severity == .error ? .error : p.severity == .warning ? .warning : .dim
        var lines: [(String, Style)] = Self.wrap(p.message, width: inner.columns - 2).map { ($0, style) }
        if let l = p.location, let section = l.section, let offset = l.offset {
            // Named by the livepatch function it is in, as the uses are.
            let place = workspace.places.describe(section: section, offset: offset)
            lines.append(("at " + place, .dim))
        } else if let place = p.location?.description, !place.isEmpty {
            lines.append(("at " + place, .dim))
        }
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
        // In the picker, the details are the highlighted candidate's evidence.
        if state.focus == .candidates, let s = state.selectedSymbol, let c = state.selectedCandidate {
            drawCandidateDetails(&screen, rect, s, c)
            return
        }
        var lines: [(String, String, Style)] = []
        let title: String
        if let s = state.selectedSymbol {
            title = s.name
            // The frame's title cuts a long name: the whole name gets lines of its own.
            if TextWidth.width(of: s.name) > rect.columns - 6 { lines.append(("name", s.name, .normal)) }
            let status = "[\(StatusText.badge(s.status))] \(StatusText.label(s.status)): \(StatusText.explanation(s))"
            lines.append(("status", status, StatusText.style(s.status)))
            if let t = s.target {
                lines.append(("target", "\(t)" + (s.newName.map { " → \($0)" } ?? ""), .normal))
            }
            if let a = s.annotation, s.status != .annotated {
                lines.append(("annot.", "\(a.object),\(a.position) in the patch (\(a.source))", .dim))
            }
            for (k, use) in s.uses.enumerated() {
                var text = "\(workspace.places.describe(section: use.baseSection, offset: use.offset))  \(use.typeName)"
                let style: Style
                switch use.verdict {
                case .allowed: style = .normal
                case .readOnlyLate:
                    text += "  read-only, late!"
                    style = .warning
                case .refused(let why):
                    text += "  refused: \(why)"
                    style = .error
                }
                lines.append((k == 0 ? "uses \(s.uses.count)" : "", text, style))
            }
        } else if state.symbolList.cursor < state.symbolRows.count,
            case .exportGroup = state.symbolRows[state.symbolList.cursor]
        {
            title = "Exported symbols"
            let names = state.plan.symbols.filter { $0.status == .exported }.map(\.name)
            lines.append(
                (
                    "status",
                    "[export] nothing to decide: the module loader resolves exported symbols, "
                        + "as for any module", StatusText.style(.exported)
                ))
            lines.append(("names", names.joined(separator: ", "), .normal))
            lines.append(("keys", state.exportsExpanded ? "e or Enter folds them" : "e or Enter lists them", .dim))
        } else {
            screen.frame(rect, title: "Details", focused: false)
            return
        }
        screen.frame(rect, title: title, focused: false)
        let inner = rect.inner
        let labelWidth = 8
        let textWidth = max(1, inner.columns - labelWidth - 3)
        // Long values wrap onto lines of their own instead of being cut.
        var rows: [(String, String, Style)] = []
        for line in lines {
            for (i, part) in Self.wrap(line.1, width: textWidth, breakingLongWords: true).enumerated() {
                rows.append((i == 0 ? line.0 : "", part, line.2))
            }
        }
        // When the rows do not fit, the last one says how many are hidden.
        let shown = rows.count > inner.rows ? max(0, inner.rows - 1) : rows.count
        for (i, line) in rows.prefix(shown).enumerated() {
            let row = inner.row + i
            screen.put(line.0, row: row, column: inner.column + 1, limit: labelWidth, style: .header)
            screen.put(line.1, row: row, column: inner.column + 2 + labelWidth, limit: textWidth, style: line.2)
        }
        if shown < rows.count, inner.rows > 0 {
            screen.put(
                "… \(rows.count - shown) more lines", row: inner.row + shown,
                column: inner.column + 2 + labelWidth, limit: textWidth, style: .dim)
        }
    }

    func drawCandidates(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .candidates
        let s = state.selectedSymbol
        let count = s?.candidates.count ?? 0
        let visible = state.visibleCandidates
        var title = focused ? "Pick a candidate (\(count))" : "Candidates (\(count))"
        if !state.candidateFilter.isEmpty {
            title =
                (focused ? "Pick a candidate" : "Candidates")
                + " (\(visible.count)/\(count)) · filter \"\(state.candidateFilter)\""
        }
        screen.frame(rect, title: title, focused: focused)
        let inner = rect.inner
        if s == nil, state.symbolList.cursor < state.symbolRows.count,
            state.symbolRows[state.symbolList.cursor].symbolIndex == nil
        {
            screen.put(
                "Exported symbols need no candidate", row: inner.row, column: inner.column + 1,
                limit: inner.columns - 2, style: .dim)
        }
        guard let s, inner.rows > 1 else { return }
        if s.status == .exported {
            let why =
                "Nothing to pick: exported by \(s.exportedBy.joined(separator: ", ")), so the module loader "
                + "resolves it when the livepatch loads; it stays an ordinary relocation."
            for (i, line) in Self.wrap(why, width: inner.columns - 2).prefix(inner.rows).enumerated() {
                screen.put(
                    line, row: inner.row + i, column: inner.column + 1, limit: inner.columns - 2,
                    style: .exported)
            }
            return
        }
        if s.candidates.isEmpty {
            screen.put(
                s.status == .notFound
                    ? "symbols.klp has no symbol of this name (d searches it)" : "No candidates in symbols.klp",
                row: inner.row, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
            return
        }
        let objectWidth = min(18, max(6, s.candidates.map { TextWidth.width(of: $0.object) }.max() ?? 8)) + 1
        let posWidth = 4
        let copiesWidth = Self.copiesWidth
        let fileColumn = inner.column + 5 + objectWidth + posWidth + 2
        let fileWidth = inner.columns - (fileColumn - inner.column) - copiesWidth - 1
        screen.put("     object", row: inner.row, column: inner.column, limit: 5 + objectWidth, style: .header)
        screen.put(
            TextWidth.fitRight("pos", to: posWidth), row: inner.row, column: inner.column + 5 + objectWidth,
            style: .header)
        screen.put("file", row: inner.row, column: fileColumn, limit: fileWidth, style: .header)
        screen.put(
            TextWidth.fitRight("copies", to: copiesWidth), row: inner.row,
            column: inner.column + inner.columns - copiesWidth - 1, style: .header)
        if visible.isEmpty {
            screen.put(
                "No candidate's object or file contains \"\(state.candidateFilter)\" (Esc clears the filter)",
                row: inner.row + 1, column: inner.column + 1, limit: inner.columns - 1, style: .dim)
        }
        for line in 0..<(inner.rows - 1) {
            let k = state.candidateList.top + line
            guard k < visible.count else { break }
            let c = s.candidates[visible[k]]
            let row = inner.row + 1 + line
            let isCursor = focused && k == state.candidateList.cursor
            let isTarget = s.target.map { $0.object == c.object && $0.position == c.position } ?? false
            let base: Style = isCursor ? .selected : (isTarget ? .chosen : .normal)
            screen.fill(Rect(row: row, column: inner.column, rows: 1, columns: inner.columns), style: base)
            screen.put(isCursor ? "▸" : " ", row: row, column: inner.column, style: base)
            screen.put(isTarget ? "(•)" : "( )", row: row, column: inner.column + 1, style: base)
            screen.put(c.object, row: row, column: inner.column + 5, limit: objectWidth, style: base)
            screen.put(
                TextWidth.fitRight(String(c.position), to: posWidth), row: row, column: inner.column + 5 + objectWidth,
                style: base)
            let suggested = workspace.evidence.copy(of: s.name, c)?.suggested == true
            screen.put(
                candidateFileText(s, c), row: row, column: fileColumn, limit: fileWidth,
                style: isCursor ? base : (c.file == nil ? .dim : (suggested ? .good : base)))
            let copies = c.copiesInObject == 1 ? "unique" : "of \(c.copiesInObject)"
            screen.put(
                TextWidth.fitRight(copies, to: copiesWidth), row: row,
                column: inner.column + inner.columns - copiesWidth - 1,
                style: isCursor ? base : .dim)
        }
        drawScrollMark(&screen, rect, top: state.candidateList.top, visible: inner.rows - 1, count: visible.count)
    }

    func drawProblems(_ screen: inout ScreenBuffer, _ rect: Rect, _ state: AppState) {
        let focused = state.focus == .problems
        let d = state.plan.diagnostics
        let errors = d.errors.count, warnings = d.warnings.count
        screen.frame(
            rect,
            title: "Problems: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")",
            focused: focused)
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
            screen.put(
                TextWidth.fit(severity, to: 8), row: row, column: inner.column + 1, style: isCursor ? base : style)
            let place = p.location.map { $0.description.isEmpty ? "" : $0.description } ?? ""
            let placeWidth = min(28, TextWidth.width(of: place))
            let messageWidth = inner.columns - 10 - (placeWidth > 0 ? placeWidth + 2 : 0)
            screen.put(p.message, row: row, column: inner.column + 10, limit: messageWidth, style: base)
            if placeWidth > 0 {
                screen.put(
                    TextWidth.fitRight(place, to: placeWidth), row: row,
                    column: inner.column + inner.columns - placeWidth - 1,
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
