import KLPEngine

// A rendered screen as plain values: rows of cells, each one column wide, with a style. A double-width
// character occupies its cell and marks the next cell as a continuation, so positions stay column exact.

public struct Cell: Equatable, Sendable {
    /// The character shown, or nil for the right half of a double-width character.
    public var scalar: Unicode.Scalar?
    public var style: Style

    public static let blank = Cell(scalar: " ", style: .normal)
}

public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
    public var description: String { "\(columns)x\(rows)" }
}

public struct Rect: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var rows: Int
    public var columns: Int
    public init(row: Int, column: Int, rows: Int, columns: Int) {
        self.row = row
        self.column = column
        self.rows = max(0, rows)
        self.columns = max(0, columns)
    }
    /// The rectangle without its one-cell frame.
    public var inner: Rect { Rect(row: row + 1, column: column + 1, rows: rows - 2, columns: columns - 2) }
}

public struct ScreenBuffer: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should sit (a text field being edited), if anywhere.
    public var cursor: (row: Int, column: Int)? {
        get { cursorRow.map { ($0, cursorColumn) } }
        set {
            cursorRow = newValue?.row
            cursorColumn = newValue?.column ?? 0
        }
    }
    private var cursorRow: Int?
    private var cursorColumn = 0

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.rows) * max(0, size.columns))
    }

    public subscript(row: Int, column: Int) -> Cell {
        cells[row * size.columns + column]
    }

    /// Fills a rectangle with blanks of one style.
    public mutating func fill(_ rect: Rect, style: Style) {
        for r in rect.row..<(rect.row + rect.rows) where r >= 0 && r < size.rows {
            for c in rect.column..<(rect.column + rect.columns) where c >= 0 && c < size.columns {
                cells[r * size.columns + c] = Cell(scalar: " ", style: style)
            }
        }
    }

    /// Writes `text` at (row, column), never past `limit` columns nor the screen edge; text wider than the
    /// space is clipped with an ellipsis. Control characters become '?', so file contents cannot move the
    /// terminal cursor. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, limit: Int? = nil, style: Style) -> Int {
        guard row >= 0, row < size.rows, column < size.columns else { return 0 }
        let space = min(limit ?? Int.max, size.columns - column)
        guard space > 0 else { return 0 }
        let clipped = TextWidth.clip(text, to: space)
        var c = column
        for s in clipped.unicodeScalars {
            let w = TextWidth.width(of: s)
            if w == 0 {
                continue  // combining marks are dropped: a cell holds one scalar
            }
            // Control characters and bidirectional overrides from file names never reach the terminal raw.
            // A no-break space keeps words together when a line is wrapped (Renderer.wrap) and shows as a space.
            let shown: Unicode.Scalar = s == "\u{00A0}" ? " " : TerminalSafe.needsEscape(s) ? "?" : s
            if c + w > column + space { break }
            if c >= 0 {
                cells[row * size.columns + c] = Cell(scalar: shown, style: style)
                if w == 2, c + 1 < size.columns { cells[row * size.columns + c + 1] = Cell(scalar: nil, style: style) }
            }
            c += w
        }
        return c - column
    }

    /// Sets the style of `count` cells from (row, column), keeping their characters.
    public mutating func restyle(row: Int, column: Int, count: Int, style: Style) {
        guard row >= 0, row < size.rows else { return }
        for c in max(0, column)..<min(size.columns, column + count) {
            cells[row * size.columns + c].style = style
        }
    }

    /// A one-line frame around `rect` with a title in the top edge.
    public mutating func frame(_ rect: Rect, title: String, focused: Bool) {
        guard rect.rows >= 2, rect.columns >= 2 else { return }
        let style: Style = focused ? .focusedBorder : .border
        let top = rect.row, bottom = rect.row + rect.rows - 1
        let left = rect.column, right = rect.column + rect.columns - 1
        for c in (left + 1)..<right {
            put("─", row: top, column: c, style: style)
            put("─", row: bottom, column: c, style: style)
        }
        for r in (top + 1)..<bottom {
            put("│", row: r, column: left, style: style)
            put("│", row: r, column: right, style: style)
        }
        put("┌", row: top, column: left, style: style)
        put("┐", row: top, column: right, style: style)
        put("└", row: bottom, column: left, style: style)
        put("┘", row: bottom, column: right, style: style)
        if !title.isEmpty, rect.columns > 6 {
            put(
                " \(title) ", row: top, column: left + 2, limit: rect.columns - 4,
                style: focused ? .focusedBorder : .header)
        }
    }

    /// The screen as text, one line per row, trailing blanks removed: what snapshot tests compare.
    public var text: String {
        var lines: [String] = []
        for r in 0..<size.rows {
            var line = String.UnicodeScalarView()
            for c in 0..<size.columns {
                if let s = cells[r * size.columns + c].scalar { line.append(s) }
            }
            var s = String(line)
            while s.last == " " { s.removeLast() }
            lines.append(s)
        }
        return lines.joined(separator: "\n")
    }

    public static func == (a: ScreenBuffer, b: ScreenBuffer) -> Bool {
        a.size == b.size && a.cells == b.cells && a.cursorRow == b.cursorRow && a.cursorColumn == b.cursorColumn
    }
}
