// The choices file: a user's picks for ambiguous (or annotated) symbols, saved by the TUI and replayed by
// `klp-convert --choices FILE`, so decisions taken interactively become part of a reproducible build.
//
//     # klp-convert choices
//     init_once vmlinux 2
//     s_start vmlinux 1
//
// One choice a line, `<symbol> <object> <position>` separated by blanks; `#` starts a comment; blank lines are
// ignored. Symbol names cannot contain blanks or `#` in ELF string tables the kernel accepts, so no quoting.

public struct ChoicesFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let line: Int
    public let message: String
    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }
    public var description: String { "\(path):\(line): \(message)" }
}

public enum ChoicesFile {
    public static let header = "# klp-convert choices: <symbol> <object> <position> (0 = unique in object, 1..k = k-th copy)"

    /// Parses the text of a choices file. Every bad line is an error naming its line; a symbol chosen twice with
    /// different targets is an error too (the later line would silently win otherwise).
    public static func parse(_ text: String, path: String) throws(ChoicesFileError) -> [String: SymbolTarget] {
        var choices: [String: SymbolTarget] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 3 else {
                throw ChoicesFileError(path: path, line: lineNumber,
                                       message: "expected '<symbol> <object> <position>', found \(fields.count) field(s)")
            }
            guard let position = Int(fields[2]), position >= 0, position <= Int(UInt32.max) else {
                throw ChoicesFileError(path: path, line: lineNumber,
                                       message: "position '\(fields[2])' is not a number from 0 to \(UInt32.max)")
            }
            let symbol = String(fields[0])
            let target = SymbolTarget(object: KLPNames.normalizeObject(String(fields[1])), position: position)
            if let earlier = choices[symbol], earlier != target {
                throw ChoicesFileError(path: path, line: lineNumber,
                                       message: "\(symbol) is chosen twice: \(earlier) and \(target)")
            }
            choices[symbol] = target
        }
        return choices
    }

    /// Reads and parses a choices file.
    public static func load(path: String) throws -> [String: SymbolTarget] {
        let bytes = try FileIO.readAll(path: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ChoicesFileError(path: path, line: 1, message: "not UTF-8 text")
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
