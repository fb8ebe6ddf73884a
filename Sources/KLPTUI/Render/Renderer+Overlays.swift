// Overlays drawn on top of a screen: help (generated from the keymap), text prompts and yes/no questions.

extension Renderer {
    /// Help lines: one section per key context, each command with every key bound to it.
    func helpLines() -> [(keys: String, text: String, isHeading: Bool)] {
        var out: [(String, String, Bool)] = []
        for context in KeyContext.allCases {
            let table = keymap.tables[context] ?? []
            guard !table.isEmpty else { continue }
            out.append((context.rawValue, "", true))
            var seen: [Command] = []
            for entry in table where !seen.contains(entry.command) {
                seen.append(entry.command)
                let keys = keymap.keys(for: entry.command, in: context).map(\.description).joined(separator: " ")
                out.append((keys, entry.command.help(in: context), false))
            }
        }
        out.append(("Mouse (unless --no-mouse)", "", true))
        out.append(("click", "Select the row under the pointer and focus its panel", false))
        out.append(("double-click", "Pick it, as Enter", false))
        out.append(("wheel", "Scroll the list under the pointer", false))
        out.append(("Status markers", "", true))
        out.append(("auto annot chosen", "converted (unique / KLP_SYMPOS / picked here)", false))
        out.append(("AMBIG! MISSING!", "needs a decision / not in symbols.klp", false))
        out.append(("INVALID! REFUSED!", "wrong position / forbidden section", false))
        out.append(("export weak done", "left to the loader / undefined / converted", false))
        return out
    }

    static let helpKeyWidth = 18

    static func helpWidth(_ size: Size) -> Int { min(size.columns - 4, 78) }

    /// Help lines as shown at `size`: a text longer than its column continues on the next line.
    func helpRows(_ size: Size) -> [(keys: String, text: String, isHeading: Bool)] {
        let textWidth = max(10, Self.helpWidth(size) - 2 - Self.helpKeyWidth - 4)
        return helpLines().flatMap { line -> [(keys: String, text: String, isHeading: Bool)] in
            guard !line.isHeading else { return [line] }
            return Self.wrap(line.text, width: textWidth).enumerated().map {
                ($0.offset == 0 ? line.keys : "", $0.element, false)
            }
        }
    }

    func drawHelp(_ screen: inout ScreenBuffer, _ state: AppState, scroll: Int) {
        let lines = helpRows(state.size)
        let width = Self.helpWidth(state.size)
        let height = min(state.size.rows - 2, lines.count + 3)
        let rect = Rect(
            row: (state.size.rows - height) / 2, column: (state.size.columns - width) / 2, rows: height, columns: width)
        screen.fill(rect, style: .overlay)
        screen.frame(rect, title: "Keys · " + helpScrollKeys() + " scroll · any other key closes", focused: true)
        let inner = rect.inner
        let keyWidth = Self.helpKeyWidth
        let visible = inner.rows
        let top = max(0, min(scroll, lines.count - visible))
        for line in 0..<visible {
            let k = top + line
            guard k < lines.count else { break }
            let l = lines[k]
            let row = inner.row + line
            if l.isHeading {
                screen.put(l.keys, row: row, column: inner.column + 1, limit: inner.columns - 2, style: .header)
            } else {
                screen.put(l.keys, row: row, column: inner.column + 2, limit: keyWidth, style: .key)
                screen.put(
                    l.text, row: row, column: inner.column + 3 + keyWidth, limit: inner.columns - keyWidth - 4,
                    style: .overlay)
            }
        }
        drawScrollMark(&screen, rect, top: top, visible: visible, count: lines.count)
    }

    private func dialogRect(_ screen: ScreenBuffer, rows: Int) -> Rect {
        let width = min(screen.size.columns - 4, 72)
        return Rect(
            row: (screen.size.rows - rows) / 2, column: (screen.size.columns - width) / 2, rows: rows, columns: width)
    }

    /// A file-name prompt on the line above the key bar, as in nano or a shell: what it is for, then the text.
    /// The matches of an ambiguous Tab are listed above it.
    func drawPrompt(_ screen: inout ScreenBuffer, _ prompt: PromptState, bar: Rect) {
        let row = bar.row - 1
        guard row > 0 else { return }
        if !prompt.matches.isEmpty, row > 1 {
            let line = Rect(row: row - 1, column: 0, rows: 1, columns: bar.columns)
            screen.fill(line, style: .overlay)
            let listed = prompt.matches.joined(separator: "  ")
            screen.put(
                " \(prompt.matches.count) matches: " + listed, row: line.row, column: 0, limit: bar.columns,
                style: .overlay)
        }
        let field = Rect(row: row, column: 0, rows: 1, columns: bar.columns)
        screen.fill(field, style: .input)
        let label = " \(prompt.purpose.title): "
        let n = screen.put(label, row: row, column: 0, limit: bar.columns / 2, style: .header)
        // Show the end of a long path: that is where the user types.
        let room = max(1, bar.columns - n - 1)
        let shown = Self.keepingEnd(prompt.text, columns: room)
        let w = screen.put(shown, row: row, column: n, limit: room, style: .input)
        screen.cursor = (row, min(bar.columns - 1, n + w))
    }

    /// The keys an overlay answers to, for the key bar (the overlay's own, never the panel's).
    static func overlayKeys(_ overlay: Overlay) -> [(key: String, label: String)] {
        switch overlay {
        case .prompt: [("Enter", "accept"), ("Esc", "cancel"), ("Tab", "complete the file name"), ("Ctrl-U", "clear")]
        case .confirm: [("y", "yes"), ("n", "no"), ("Esc", "no")]
        case .help:
            [
                (
                    Keymap.standard.tables[.helpOverlay, default: []].map(\.key.description).joined(separator: " "),
                    "scroll"
                ),
                ("any other key", "closes the help"),
            ]
        }
    }

    /// The help's scrolling keys, from its table: "↑↓ PgUp PgDn".
    func helpScrollKeys() -> String {
        let table = keymap.tables[.helpOverlay] ?? []
        var shown: [String] = []
        for command in [Command.moveUp, .moveDown, .pageUp, .pageDown] {
            if let key = table.first(where: { $0.command == command }) { shown.append(key.key.description) }
        }
        return shown.joined(separator: " ")
    }

    /// A key bar of (key, label) pairs; a message, if any, after them.
    func drawKeyBar(
        _ screen: inout ScreenBuffer, _ rect: Rect, _ entries: [(key: String, label: String)],
        message: StatusMessage?
    ) {
        var column = 1
        for e in entries {
            column += screen.put(e.key, row: rect.row, column: column, style: .key)
            column += screen.put(" " + e.label + "  ", row: rect.row, column: column, style: .status)
        }
        if let message, column < rect.columns {
            screen.put(
                "· " + message.text, row: rect.row, column: column, limit: rect.columns - column,
                style: message.isError ? .error : .status)
        }
    }

    /// `text` cut from the left with a leading ellipsis so it fits in `columns` (paths: the end matters).
    static func keepingEnd(_ text: String, columns: Int) -> String {
        guard TextWidth.width(of: text) > columns, columns > 1 else { return text }
        var scalars = Array(text.unicodeScalars)
        var width = TextWidth.width(of: text)
        while width > columns - 1, !scalars.isEmpty { width -= TextWidth.width(of: scalars.removeFirst()) }
        var out = String.UnicodeScalarView()
        out.append("…")
        out.append(contentsOf: scalars)
        return String(out)
    }

    func drawConfirm(_ screen: inout ScreenBuffer, _ question: Question) {
        let lines = question.lines
        let rect = dialogRect(screen, rows: lines.count + 4)
        screen.fill(rect, style: .overlay)
        screen.frame(rect, title: "Confirm", focused: true)
        let inner = rect.inner
        for (i, line) in lines.enumerated() {
            screen.put(
                Self.keepingEnd(line, columns: inner.columns - 2), row: inner.row + i, column: inner.column + 1,
                limit: inner.columns - 2, style: .overlay)
        }
        let answers = inner.row + lines.count + 1
        var column = inner.column + 1
        column += screen.put("y", row: answers, column: column, style: .key)
        column += screen.put(" yes   ", row: answers, column: column, style: .overlay)
        column += screen.put("n", row: answers, column: column, style: .key)
        screen.put(" no", row: answers, column: column, style: .overlay)
    }
}
