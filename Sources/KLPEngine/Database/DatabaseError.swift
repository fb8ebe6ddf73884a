/// A problem with a symbol-database input (symbols.klp, Module.symvers, or an input of `build-db`): which file,
/// which line (1-based) when the problem belongs to one line, and what is wrong.
public enum DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read; `kind` names it as upstream does ("Symbol list", "Module.symvers").
    case unreadable(path: String, kind: String, InputFailure)
    /// symbols.klp has no bytes at all (not even the header line).
    case emptySymbolList(path: String)
    /// symbols.klp is larger than line numbers and name offsets (32-bit) can address.
    case symbolListTooLarge(path: String)
    /// A line of symbols.klp or Module.symvers breaks the format.
    case format(path: String, line: Int, FormatProblem)
    /// An input of `build-db` (vmlinux, System.map, a kallsyms dump, a module file) that cannot be used, and
    /// why; `line` for the text inputs.
    case buildInput(path: String, line: Int?, reason: String)

    /// What is wrong with one line of a database text file.
    public enum FormatProblem: Sendable, Equatable, CustomStringConvertible {
        case unknownHeader
        case nulByte
        case crlfLineEnding
        case emptyLine
        case lineTooLong(length: Int, maximum: Int)
        case emptyObjectName
        case fileMarkerBeforeObject
        case emptyFileName
        case symbolBeforeObject
        case exportMarkerWithoutName
        case symversNulByte
        case symversEmptyLine
        case symversCRLFLineEnding
        case symversFieldCount(Int)
        case symversEmptySymbol
        case symversEmptyModule
        /// The evidence block (EvidenceFormat): a record that does not decode, or a count that does not match.
        case evidenceRecord
        case evidenceCount(records: Int, lines: Int)

        public var description: String {
            switch self {
            case .unknownHeader:
                return "Symbol list is in unknown format: line 1 must start with "
                    + "klp-convert-symbol-data.0.1 or klp-convert-symbol-data.0.2"
            case .nulByte: return "File format error: NUL byte in line"
            case .crlfLineEnding: return "File format error: CRLF line ending"
            case .emptyLine: return "File format error: empty line"
            case .lineTooLong(let length, let maximum):
                return "File format error: line is \(length) bytes long; no kernel symbol, object or file name is "
                    + "longer than \(maximum)"
            case .emptyObjectName: return "File format error: empty object name after '*'"
            case .fileMarkerBeforeObject: return "File format error: source file marker before the first *object line"
            case .emptyFileName: return "File format error: empty source file name after '-'"
            case .symbolBeforeObject: return "File format error: symbol before the first *object line"
            case .exportMarkerWithoutName: return "File format error: export marker without a symbol name"
            case .symversNulByte: return "Module.symvers format error: NUL byte in line"
            case .symversEmptyLine: return "Module.symvers format error: empty line"
            case .symversCRLFLineEnding: return "Module.symvers format error: CRLF line ending"
            case .symversFieldCount(let found):
                return "Module.symvers format error: expected 4 or 5 tab-separated fields "
                    + "(crc, symbol, module, export type[, namespace]), found \(found)"
            case .symversEmptySymbol: return "Module.symvers format error: empty symbol name"
            case .symversEmptyModule: return "Module.symvers format error: empty module name"
            case .evidenceRecord: return "evidence record is not '@[address][:line]' or has no line above"
            case .evidenceCount(let records, let lines):
                return
                    "evidence block has \(records) records for the \(lines) lines above it (the file was edited or cut)"
            }
        }
    }

    /// A build-db input problem (the builder's inputs are many and varied; the reason says which check failed).
    public init(path: String, line: Int?, _ reason: String) {
        self = .buildInput(path: path, line: line, reason: reason)
    }

    public var path: String {
        switch self {
        case .unreadable(let path, _, _), .emptySymbolList(let path), .symbolListTooLarge(let path),
            .format(let path, _, _), .buildInput(let path, _, _):
            return path
        }
    }

    /// The 1-based line, for problems that belong to one line.
    public var line: Int? {
        switch self {
        case .format(_, let line, _): return line
        case .buildInput(_, let line, _): return line
        case .unreadable, .emptySymbolList, .symbolListTooLarge: return nil
        }
    }

    public var message: String {
        switch self {
        case .unreadable(_, let kind, let failure):
            if case .open(let reason) = failure { return "Unable to open \(kind): \(reason)" }
            return "Unable to read \(kind): \(failure.reason)"
        case .emptySymbolList: return "Unable to read Symbol list: the file is empty"
        case .symbolListTooLarge: return "Unable to read Symbol list: file too large"
        case .format(_, _, let problem): return problem.description
        case .buildInput(_, _, let reason): return reason
        }
    }

    /// "<path>:<line>: <message>", or "<path>: <message>" for whole-file problems (open/read failures).
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

extension InputFile {
    /// A database input read piece by piece (see SymbolListParser.parse(path:filter:pieceSize:read:)): line
    /// numbers and name offsets are 32-bit.
    static func readDatabase<Result>(
        _ path: String, what: String,
        _ body: (_ expectedBytes: Int, _ read: (UnsafeMutableRawBufferPointer) throws(DatabaseError) -> Int)
            throws(DatabaseError) -> Result
    ) throws(DatabaseError) -> Result {
        let input: Pieces
        do {
            input = try pieces(path, limit: Int(Int32.max))
        } catch {
            throw DatabaseError.unreadable(path: path, kind: what, error)
        }
        return try body(input.expectedSize) { buffer throws(DatabaseError) -> Int in
            do throws(InputFailure) {
                return try input.read(into: buffer)
            } catch {
                throw DatabaseError.unreadable(path: path, kind: what, error)
            }
        }
    }

    /// Reads a database input (symbols.klp, Module.symvers) whole: line numbers and name offsets are 32-bit.
    public static func readDatabase(_ path: String, what: String) throws(DatabaseError) -> InputFile {
        do {
            return try read(path, limit: Int(Int32.max))
        } catch {
            throw DatabaseError.unreadable(path: path, kind: what, error)
        }
    }
}
