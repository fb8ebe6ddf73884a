import CNcurses
import CTerminalSignals

// The only file that talks to curses: start and restore the terminal, map styles to colours (or, with NO_COLOR
// or a monochrome terminal, to attributes only), copy a ScreenBuffer out, and decode keys from get_wch.

public struct CursesError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

public final class CursesTerminal: Terminal {
    private var attributes: [Style: (attr: attr_t, pair: Int16)] = [:]
    private var failedReads = 0
    private var previous: ScreenBuffer?
    /// A signal (SIGINT, SIGTERM, SIGHUP) that ended the session, to re-raise after restoring the terminal.
    public private(set) var signal: Int32 = 0

    /// Whether mouse events are asked for and the terminal can report them.
    public private(set) var mouse = false

    public init(environment: [String: String], mouse wantMouse: Bool = true) throws {
        guard cnc_load() == 1 else {
            throw CursesError(message: String(cString: cnc_load_error()))
        }
        _ = cnc_setup_locale()
        klp_signals_install()
        if isatty(0) == 1 && isatty(1) == 1 {
            guard initscr() != nil else {
                throw CursesError(message: "cannot initialise the terminal (TERM=\(environment["TERM"] ?? "unset"))")
            }
        } else {
            // Output redirected (`--print-snippet > file`): draw on the controlling terminal instead.
            guard let tty = fopen("/dev/tty", "r+") else {
                throw CursesError(
                    message: "klp-convert tui needs a terminal: stdin/stdout are not one and /dev/tty cannot be opened")
            }
            guard newterm(nil, tty, tty) != nil else {
                throw CursesError(
                    message: "cannot initialise the terminal /dev/tty (TERM=\(environment["TERM"] ?? "unset"))")
            }
        }
        cbreak()
        noecho()
        nonl()
        keypad(cnc_stdscr(), true)
        set_escdelay(25)
        let useColour = environment["NO_COLOR"].map { $0.isEmpty } ?? true
        if useColour && has_colors() {
            start_color()
            use_default_colors()
        }
        setUpStyles(colour: useColour && has_colors())
        if wantMouse { mouse = cnc_enable_mouse() != 0 }
    }

    deinit { restore() }

    /// Gives the terminal back (idempotent; also registered with atexit by klp_signals_install in CTerminalSignals).
    public func restore() {
        klp_signals_restore_terminal()
    }

    public var size: Size { Size(rows: Int(cnc_lines()), columns: Int(cnc_cols())) }

    // MARK: - Styles

    private func setUpStyles(colour: Bool) {
        let bold = cnc_attr_bold(), reverse = cnc_attr_reverse(), dim = cnc_attr_dim(), underline = cnc_attr_underline()
        let none = cnc_attr_normal()
        // Monochrome: attributes carry the meaning; the text markers carry the rest.
        let mono: [Style: attr_t] = [
            .normal: none, .title: reverse | bold, .header: bold, .border: none, .focusedBorder: bold,
            .selected: reverse, .selectedDim: underline, .dim: dim, .good: none, .chosen: bold, .warning: bold,
            .error: bold, .exported: none, .added: bold, .removed: dim, .key: bold, .status: reverse,
            .input: underline, .overlay: none,
        ]
        guard colour else {
            for style in Style.allCases { attributes[style] = (mono[style] ?? none, 0) }
            return
        }
        let grey: Int16 = cnc_colors() >= 16 ? 8 : Int16(COLOR_BLACK)
        let colours: [Style: (fg: Int16, bg: Int16, attr: attr_t)] = [
            .normal: (-1, -1, none),
            .title: (Int16(COLOR_BLACK), Int16(COLOR_CYAN), none),
            .header: (Int16(COLOR_CYAN), -1, bold),
            .border: (Int16(COLOR_BLUE), -1, none),
            .focusedBorder: (Int16(COLOR_CYAN), -1, bold),
            .selected: (Int16(COLOR_WHITE), Int16(COLOR_BLUE), bold),
            .selectedDim: (-1, grey, none),
            .dim: (grey == 8 ? 8 : -1, -1, grey == 8 ? none : dim),
            .good: (Int16(COLOR_GREEN), -1, none),
            .chosen: (Int16(COLOR_CYAN), -1, bold),
            .warning: (Int16(COLOR_YELLOW), -1, bold),
            .error: (Int16(COLOR_RED), -1, bold),
            .exported: (Int16(COLOR_MAGENTA), -1, none),
            .added: (Int16(COLOR_GREEN), -1, bold),
            .removed: (Int16(COLOR_RED), -1, none),
            .key: (Int16(COLOR_YELLOW), -1, bold),
            .status: (-1, -1, none),
            .input: (Int16(COLOR_WHITE), Int16(COLOR_BLUE), bold),
            .overlay: (-1, -1, none),
        ]
        var pair: Int16 = 1
        for style in Style.allCases {
            guard let c = colours[style] else { continue }
            init_pair(pair, c.fg, c.bg)
            attributes[style] = (c.attr, pair)
            pair += 1
        }
    }

    // MARK: - Output

    public func present(_ screen: ScreenBuffer) {
        let full = previous?.size != screen.size
        if full { erase() }
        for row in 0..<screen.size.rows {
            for column in 0..<screen.size.columns {
                let cell = screen[row, column]
                if !full, let previous, previous[row, column] == cell { continue }
                guard let scalar = cell.scalar else { continue }
                let a = attributes[cell.style] ?? (cnc_attr_normal(), 0)
                _ = cnc_put(Int32(row), Int32(column), wchar_t(bitPattern: scalar.value), a.attr, a.pair)
            }
        }
        if let cursor = screen.cursor {
            curs_set(1)
            move(Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        refresh()
        previous = screen
    }

    // MARK: - Input

    public func readKey() -> Key? {
        while true {
            // Checked before blocking too: a signal that came while a frame was being drawn did not interrupt a
            // read, and the next read would wait for a key.
            if klp_signals_pending() != 0 { break }
            var ch: wint_t = 0
            let result = get_wch(&ch)
            if klp_signals_pending() != 0 { break }
            if result == ERR {
                // A blocking read only fails when the terminal is gone: stop instead of spinning.
                failedReads += 1
                if failedReads > 20 { return nil }
                continue
            }
            failedReads = 0
            if result == KEY_CODE_YES {
                if let key = functionKey(Int32(ch)) { return key }
                continue
            }
            if let key = characterKey(UInt32(ch)) { return key }
        }
        signal = klp_signals_pending()
        return nil
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_MOUSE:
            var row: Int32 = 0, column: Int32 = 0
            let kinds: [Int32: MouseEvent.Kind] = [1: .click, 2: .doubleClick, 3: .wheelUp, 4: .wheelDown]
            guard let kind = kinds[cnc_read_mouse(&row, &column)] else { return nil }
            return .mouse(MouseEvent(kind, row: Int(row), column: Int(column)))
        case KEY_RESIZE:
            previous = nil
            return .resize(size)
        default:
            for n in 1...12 where code == cnc_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    private func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let s = Unicode.Scalar(value + 96) else { return nil }
            return .control(Character(s))
        default:
            guard let s = Unicode.Scalar(value) else { return nil }
            return .character(Character(s))
        }
    }
}

extension CursesTerminal {
    /// Ends the process with the default action of a signal (after the terminal is restored), so the shell sees
    /// the usual 128+n status.
    public static func reraise(_ signal: Int32) {
        klp_signals_reraise(signal)
    }
}
