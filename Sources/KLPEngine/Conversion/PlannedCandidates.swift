import Synchronization

/// The database lines naming one planned symbol, read once, on first use. The plan only needs counts for its
/// decisions (`SymbolDatabase.occurrence`, `copies`); the lines are for the TUI, `list`, the ambiguity report and
/// the messages, and a name in a distribution database can have thousands of them.
final class PlannedCandidates: Sendable {
    let database: SymbolDatabase
    /// The name looked up: the symbol's own, or the one inside a klp name.
    let name: String
    private let lines = Mutex<[DatabaseCandidate]?>(nil)

    init(database: SymbolDatabase, name: String) {
        self.database = database
        self.name = name
    }

    var candidates: [DatabaseCandidate] {
        lines.withLock { lines in
            if let lines { return lines }
            let read = database.candidates(named: name)
            lines = read
            return read
        }
    }

    /// Whether `candidates` was asked for (or the lines read for a message) already.
    var wereRead: Bool { lines.withLock { $0 != nil } }

    /// Equal lines: the same lookup in the same database needs no reading.
    static func same(_ a: PlannedCandidates?, _ b: PlannedCandidates?) -> Bool {
        if a === b { return true }
        if let a, let b, a.database === b.database, a.name == b.name { return true }
        return (a?.candidates ?? []) == (b?.candidates ?? [])
    }
}
