// Names in a livepatch or a symbol database come from files made by others. Printed raw, a name with an escape
// sequence could move the cursor, recolour or retitle the terminal, hide earlier lines, or (with bidirectional
// overrides) show text in another order than it has. These functions show such characters as visible escapes.

public enum TerminalSafe {
    /// One line: every control character, newlines included, becomes a visible escape (`\x1b`, `\n`, `\u{202e}`).
    public static func line(_ text: String) -> String {
        escape(text, keepingNewlines: false)
    }

    /// Several lines: as `line`, but "\n" stays a line break.
    public static func lines(_ text: String) -> String {
        escape(text, keepingNewlines: true)
    }

    /// True when `text` would reach the terminal unchanged.
    public static func isSafe(_ text: String, keepingNewlines: Bool = false) -> Bool {
        !text.unicodeScalars.contains { needsEscape($0, keepingNewlines: keepingNewlines) }
    }

    /// Whether one scalar must not reach a terminal raw (public for the TUI, which draws such scalars as "?").
    public static func needsEscape(_ s: Unicode.Scalar, keepingNewlines: Bool = false) -> Bool {
        switch s.value {
        case 0x0a: return !keepingNewlines
        case 0x09: return false
        case 0x00..<0x20, 0x7f, 0x80..<0xa0: return true  // C0, DEL, C1 (0x9b is a one-byte CSI)
        case 0x200e, 0x200f, 0x202a...0x202e, 0x2066...0x2069: return true  // bidirectional marks and overrides
        default: return false
        }
    }

    private static func escape(_ text: String, keepingNewlines: Bool) -> String {
        guard !isSafe(text, keepingNewlines: keepingNewlines) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            guard needsEscape(s, keepingNewlines: keepingNewlines) else {
                out.append(s)
                continue
            }
            let shown: String
            switch s.value {
            case 0x0a: shown = "\\n"
            case 0x0d: shown = "\\r"
            case 0x00..<0x100: shown = "\\x" + (s.value < 0x10 ? "0" : "") + String(s.value, radix: 16)
            default: shown = "\\u{" + String(s.value, radix: 16) + "}"
            }
            out.append(contentsOf: shown.unicodeScalars)
        }
        return String(out)
    }
}
