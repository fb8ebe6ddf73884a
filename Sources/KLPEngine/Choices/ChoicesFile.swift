// The choices file: a user's picks for ambiguous (or annotated) symbols, saved by the TUI and replayed by
// `klp-convert --choices FILE`, so decisions taken interactively become part of a reproducible build.
//
//     # klp-convert choices
//     init_once vmlinux 2
//     s_start vmlinux 1
//
// One choice a line, `<symbol> <object> <position>` separated by blanks; `#` starts a comment; blank lines are
// ignored. Symbol names cannot contain blanks or `#` in ELF string tables the kernel accepts, so no quoting.

/// A problem in a choices file, with its place (file and 1-based line).
public enum ChoicesFileError: Error, CustomStringConvertible, Sendable, Equatable {
    case wrongFieldCount(path: String, line: Int, found: Int)
    case badPosition(path: String, line: Int, text: String)
    case chosenTwice(path: String, line: Int, symbol: String, earlier: SymbolTarget, later: SymbolTarget)
    case notUTF8(path: String)
    case crlfLineEnds(path: String, line: Int)

    public var path: String {
        switch self {
        case .wrongFieldCount(let path, _, _), .badPosition(let path, _, _), .chosenTwice(let path, _, _, _, _),
            .notUTF8(let path), .crlfLineEnds(let path, _):
            return path
        }
    }

    public var line: Int {
        switch self {
        case .wrongFieldCount(_, let line, _), .badPosition(_, let line, _), .chosenTwice(_, let line, _, _, _),
            .crlfLineEnds(_, let line):
            return line
        case .notUTF8: return 1
        }
    }

    public var message: String {
        switch self {
        case .wrongFieldCount(_, _, let found):
            return "expected '<symbol> <object> <position>', found \(found) field(s)"
        case .badPosition(_, _, let text):
            return "position '\(text)' is not a number from 0 to \(UInt32.max)"
        case .chosenTwice(_, _, let symbol, let earlier, let later):
            return "\(symbol) is chosen twice: \(earlier) and \(later)"
        case .notUTF8:
            return "not UTF-8 text"
        case .crlfLineEnds:
            return "the line ends are CRLF (\\r\\n, as DOS/Windows editors write them); save the file with LF line ends"
        }
    }

    public var description: String { "\(path):\(line): \(message)" }
}

public enum ChoicesFile {
    public static let header =
        "# klp-convert choices: <symbol> <object> <position> (0 = unique in object, 1..k = k-th copy)"

    /// Parses the text of a choices file. Every bad line is an error naming its line; a symbol chosen twice with
    /// different targets is an error too (the later line would silently win otherwise).
    public static func parse(_ text: String, path: String) throws(ChoicesFileError) -> [String: SymbolTarget] {
        var choices: [String: SymbolTarget] = [:]
        // Swift treats "\r\n" as one Character, so a CRLF file would not even split into lines: say what it is.
        if let crlf = text.utf8.firstIndex(of: 13) {
            let line = text.utf8[..<crlf].filter { $0 == 10 }.count + 1
            throw .crlfLineEnds(path: path, line: line)
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { continue }
            guard fields.count == 3 else {
                throw .wrongFieldCount(path: path, line: lineNumber, found: fields.count)
            }
            guard let position = Int(fields[2]), position >= 0, position <= Int(UInt32.max) else {
                throw .badPosition(path: path, line: lineNumber, text: String(fields[2]))
            }
            let symbol = String(fields[0])
            let target = SymbolTarget(object: KLPNames.normalizeObject(String(fields[1])), position: position)
            if let earlier = choices[symbol], earlier != target {
                throw .chosenTwice(path: path, line: lineNumber, symbol: symbol, earlier: earlier, later: target)
            }
            choices[symbol] = target
        }
        return choices
    }

    /// Reads and parses a choices file.
    public static func load(path: String) throws -> [String: SymbolTarget] {
        let bytes = try FileIO.readAll(path: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ChoicesFileError.notUTF8(path: path)
        }
        return try parse(text, path: path)
    }

    /// The text of a choices file, sorted by symbol so saving twice gives the same bytes.
    public static func text(_ choices: [String: SymbolTarget]) -> String {
        var out = header + "\n"
        for symbol in choices.keys.sorted() {
            guard let t = choices[symbol] else { continue }
            out += "\(symbol) \(t.object) \(t.position)\n"
        }
        return out
    }

    public static func save(_ choices: [String: SymbolTarget], to path: String) throws {
        try FileIO.writeAtomically(Array(text(choices).utf8), to: path, mode: 0o644)
    }
}
