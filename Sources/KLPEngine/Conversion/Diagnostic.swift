/// One finding of a conversion or a check. The engine collects them all (every section, every symbol) instead of
/// stopping at the first, so one run shows every problem of a livepatch.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let rank: [Severity: Int] = [.note: 0, .warning: 1, .error: 2]
            return rank[a]! < rank[b]!
        }
    }

    /// Where in the livepatch the finding points: a section and offset, a symbol, or both, and the object
    /// (vmlinux or a module) the symbol is looked up in. These are fields, not text, so that a front end (the
    /// TUI's problems panel) finds what a finding is about without parsing its message.
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public var section: String?
        public var offset: UInt64?
        /// The livepatch's symbol (as named in its symbol table) the finding is about.
        public var symbol: String?
        /// The object the symbol resolves in; not printed (the messages name it where it matters).
        public var object: String?

        public init(section: String? = nil, offset: UInt64? = nil, symbol: String? = nil, object: String? = nil) {
            self.section = section
            self.offset = offset
            self.symbol = symbol
            self.object = object
        }

        /// The same place, naming the object too.
        public func with(object: String?) -> Location {
            var copy = self
            copy.object = object
            return copy
        }

        public var description: String {
            var parts: [String] = []
            if let section {
                parts.append(offset.map { "\(section)+0x\(String($0, radix: 16))" } ?? section)
            }
            if let symbol, section == nil { parts.append("symbol \(symbol)") }
            return parts.joined(separator: ", ")
        }
    }

    public var severity: Severity
    /// The message as the upstream tool words it where one exists, so build logs stay searchable.
    public var message: String
    public var location: Location?
    /// Extra lines printed after the message without prefix (the candidate listing, a ready-to-paste block).
    public var detail: [String]

    public init(_ severity: Severity, _ message: String, at location: Location? = nil, detail: [String] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.detail = detail
    }

    /// "message (at .text+0x1c)" as printed after the "klp-convert: " prefix.
    public var description: String {
        var text = severity == .error ? message : "\(severity.rawValue): \(message)"
        if let location, !location.description.isEmpty { text += " (at \(location))" }
        return text
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
}
