// Semantic styles of screen cells. Only the curses adapter maps them to colours and attributes, so every
// style also needs a text marker elsewhere on the row: the screen must read the same without colour.

public enum Style: UInt8, Sendable, CaseIterable {
    case normal
    case title  // top bar
    case header  // panel titles, column headings
    case border
    case focusedBorder
    case selected  // cursor row in the focused panel
    case selectedDim  // cursor row in an unfocused panel
    case dim
    case good  // automatic / annotated / chosen
    case chosen
    case warning
    case error
    case exported
    case added  // preview: created
    case removed  // preview: removed
    case key  // key names in hints and help
    case status  // bottom bar
    case input  // text being typed
    case overlay  // help / dialogs background
}
