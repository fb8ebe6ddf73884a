/// A problem with a symbol-database input (symbols.klp, Module.symvers, or an input of `build-db`): which file,
/// which line (1-based) when the problem belongs to one line, and what is wrong.
public struct DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let line: Int?
    public let message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public init(path: String, line: Int?, _ message: String) {
        self.init(path: path, line: line, message: message)
    }

    /// "<path>:<line>: <message>", or "<path>: <message>" for whole-file problems (open/read failures).
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

extension DatabaseError {
    /// A database input that could not be read, worded as upstream words it: "Unable to open Symbol list: <why>"
    /// when open(2) failed, "Unable to read Symbol list: <why>" otherwise. `what` names the file kind.
    init(path: String, reading what: String, _ failure: InputFailure) {
        switch failure {
        case .open(let reason): self.init(path: path, line: nil, message: "Unable to open \(what): \(reason)")
        default: self.init(path: path, line: nil, message: "Unable to read \(what): \(failure.reason)")
        }
    }
}

extension InputFile {
    /// Reads a database input (symbols.klp, Module.symvers): line numbers and name offsets are 32-bit.
    static func readDatabase(_ path: String, what: String) throws(DatabaseError) -> InputFile {
        do {
            return try read(path, limit: Int(Int32.max))
        } catch {
            throw DatabaseError(path: path, reading: what, error)
        }
    }
}
