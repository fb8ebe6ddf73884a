// Where each panel goes for a terminal size. Pure, shared by the renderer and the reducer (which needs list
// heights to keep the cursor visible and to page), so scrolling is never adjusted while drawing.

public struct Layout: Equatable, Sendable {
    public static let minimum = Size(rows: 16, columns: 60)

    public let size: Size
    public let title: Rect
    public let hints: Rect
    public let symbols: Rect
    public let details: Rect
    public let candidates: Rect
    public let problems: Rect
    /// Full-screen body for the preview, snippet and database screens.
    public let body: Rect

    public var tooSmall: Bool { size.rows < Layout.minimum.rows || size.columns < Layout.minimum.columns }

    /// `symbolColumns`: the width the symbols panel asks for (from its content); nil for the default share. Only
    /// columns depend on it, so the reducer's list heights do not.
    public init(size: Size, symbolColumns: Int? = nil) {
        self.size = size
        let rows = max(size.rows, 3), cols = max(size.columns, 1)
        title = Rect(row: 0, column: 0, rows: 1, columns: cols)
        hints = Rect(row: rows - 1, column: 0, rows: 1, columns: cols)
        let bodyRows = rows - 2
        body = Rect(row: 1, column: 0, rows: bodyRows, columns: cols)
        let problemRows = max(4, min(12, bodyRows / 4))
        let middle = bodyRows - problemRows
        let leftCols = min(max(30, symbolColumns ?? cols * 45 / 100), max(30, cols - 30))
        symbols = Rect(row: 1, column: 0, rows: middle, columns: leftCols)
        let detailRows = max(4, middle * 42 / 100)
        details = Rect(row: 1, column: leftCols, rows: detailRows, columns: cols - leftCols)
        candidates = Rect(row: 1 + detailRows, column: leftCols, rows: middle - detailRows, columns: cols - leftCols)
        problems = Rect(row: 1 + middle, column: 0, rows: problemRows, columns: cols)
    }

    /// Visible lines of each scrolling list (inside its frame).
    public var symbolLines: Int { max(1, symbols.rows - 2) }
    public var candidateLines: Int { max(1, candidates.rows - 3) }  // one heading row
    public var problemLines: Int { max(1, problems.rows - 2) }
    public var textLines: Int { max(1, body.rows - 3) }  // frame + a heading row
    public var databaseLines: Int { max(1, body.rows - 4) }  // frame + search row + heading
}
