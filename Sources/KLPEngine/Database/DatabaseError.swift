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
