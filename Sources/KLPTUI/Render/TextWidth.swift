import KLPEngine

// Display width of text in terminal columns, without the C library: wcwidth depends on the process locale,
// which tests and CI do not set. Covers what symbol names, file names and messages contain: ASCII, combining
// marks (0 columns), East Asian wide and emoji (2 columns), control characters (shown as one '?').

enum TextWidth {
    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if TerminalSafe.needsEscape(scalar) { return 1 }  // rendered as '?' (controls, bidi overrides)
        if v < 0x300 { return 1 }
        if isCombining(v) { return 0 }
        if isWide(v) { return 2 }
        return 1
    }

    static func width(of text: some StringProtocol) -> Int {
        var w = 0
        for s in text.unicodeScalars { w += width(of: s) }
        return w
    }

    private static func isCombining(_ v: UInt32) -> Bool {
        (v >= 0x300 && v <= 0x36f) || (v >= 0x483 && v <= 0x489) || (v >= 0x591 && v <= 0x5bd)
            || (v >= 0x610 && v <= 0x61a) || (v >= 0x64b && v <= 0x65f) || (v >= 0x1ab0 && v <= 0x1aff)
            || (v >= 0x1dc0 && v <= 0x1dff) || (v >= 0x200b && v <= 0x200f) || (v >= 0x20d0 && v <= 0x20ff)
            || (v >= 0xfe00 && v <= 0xfe0f) || (v >= 0xfe20 && v <= 0xfe2f) || v == 0xfeff
            || (v >= 0xe0100 && v <= 0xe01ef)
    }

    private static func isWide(_ v: UInt32) -> Bool {
        (v >= 0x1100 && v <= 0x115f) || (v >= 0x2e80 && v <= 0x303e) || (v >= 0x3041 && v <= 0x33ff)
            || (v >= 0x3400 && v <= 0x4dbf) || (v >= 0x4e00 && v <= 0x9fff) || (v >= 0xa000 && v <= 0xa4cf)
            || (v >= 0xac00 && v <= 0xd7a3) || (v >= 0xf900 && v <= 0xfaff) || (v >= 0xfe30 && v <= 0xfe4f)
            || (v >= 0xff00 && v <= 0xff60) || (v >= 0xffe0 && v <= 0xffe6) || (v >= 0x1f300 && v <= 0x1f64f)
            || (v >= 0x1f900 && v <= 0x1f9ff) || (v >= 0x20000 && v <= 0x3fffd)
    }

    /// `text` cut to at most `columns` display columns; when it is cut, the last column is an ellipsis.
    static func clip(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(of: text) <= columns { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let w = width(of: s)
            if used + w > columns - 1 { break }
            out.append(s)
            used += w
        }
        return String(out) + "…"
    }

    /// `text` clipped and padded with spaces to exactly `columns` columns.
    static func fit(_ text: String, to columns: Int) -> String {
        let clipped = clip(text, to: columns)
        let w = width(of: clipped)
        return w < columns ? clipped + String(repeating: " ", count: columns - w) : clipped
    }

    /// `text` clipped and right-aligned in `columns` columns.
    static func fitRight(_ text: String, to columns: Int) -> String {
        let clipped = clip(text, to: columns)
        let w = width(of: clipped)
        return w < columns ? String(repeating: " ", count: columns - w) + clipped : clipped
    }
}
