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
        out.append(("Status markers", "", true))
        out.append(("auto annot chosen", "converted (unique / KLP_SYMPOS / picked here)", false))
        out.append(("AMBIG! MISSING!", "needs a decision / not in symbols.klp", false))
        out.append(("INVALID! REFUSED!", "wrong position / forbidden section", false))
        out.append(("export weak done", "left to the loader / undefined / converted", false))
        return out
    }

    func drawHelp(_ screen: inout ScreenBuffer, _ state: AppState, scroll: Int) {
        let lines = helpLines()
        let width = min(state.size.columns - 4, 78)
        let height = min(state.size.rows - 2, lines.count + 3)
        let rect = Rect(row: (state.size.rows - height) / 2, column: (state.size.columns - width) / 2, rows: height, columns: width)
        screen.fill(rect, style: .overlay)
        screen.frame(rect, title: "Keys (any other key closes)", focused: true)
        let inner = rect.inner
        let keyWidth = 18
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
                screen.put(l.text, row: row, column: inner.column + 3 + keyWidth, limit: inner.columns - keyWidth - 4, style: .overlay)
            }
        }
        drawScrollMark(&screen, rect, top: top, visible: visible, count: lines.count)
    }

    private func dialogRect(_ screen: ScreenBuffer, rows: Int) -> Rect {
        let width = min(screen.size.columns - 4, 72)
        return Rect(row: (screen.size.rows - rows) / 2, column: (screen.size.columns - width) / 2, rows: rows, columns: width)
    }

    func drawPrompt(_ screen: inout ScreenBuffer, _ prompt: PromptState) {
        let rect = dialogRect(screen, rows: 5)
        screen.fill(rect, style: .overlay)
        screen.frame(rect, title: prompt.purpose.title, focused: true)
        let inner = rect.inner
        let field = Rect(row: inner.row, column: inner.column + 1, rows: 1, columns: inner.columns - 2)
        screen.fill(field, style: .input)
        // Show the end of a long path: that is where the user types.
        let shown = Self.keepingEnd(prompt.text, columns: field.columns - 1)
        let n = screen.put(shown, row: field.row, column: field.column, limit: field.columns - 1, style: .input)
        screen.cursor = (field.row, field.column + n)
        screen.put("Enter confirm · Esc cancel · Ctrl-U clear", row: inner.row + 2, column: inner.column + 1, limit: inner.columns - 2, style: .dim)
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
            screen.put(Self.keepingEnd(line, columns: inner.columns - 2), row: inner.row + i, column: inner.column + 1,
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
