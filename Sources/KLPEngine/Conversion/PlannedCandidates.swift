import Synchronization

/// The database lines naming one planned symbol, read on first use. The plan only needs counts for its decisions
/// (`SymbolDatabase.occurrence`, `copies`); the lines are for the TUI, `list`, the ambiguity report and the
/// messages, and a name in a distribution database can have thousands of them.
struct PlannedCandidates: Sendable {
    let lines: CandidateLines
    /// The name looked up: the symbol's own, or the one inside a klp name.
    let name: String

    var candidates: [DatabaseCandidate] { lines.lines(named: name) }

    /// Whether `candidates` was asked for (or the lines read for a message) already.
    var wereRead: Bool { lines.wereRead(name) }

    /// Equal lines: the same lookup in the same database needs no reading.
    static func same(_ a: PlannedCandidates?, _ b: PlannedCandidates?) -> Bool {
        if let a, let b, a.lines.database === b.lines.database, a.name == b.name { return true }
        return (a?.candidates ?? []) == (b?.candidates ?? [])
    }
}

/// The lines read so far for one plan's symbols, by name: one object per plan, shared by its entries.
final class CandidateLines: Sendable {
    let database: SymbolDatabase
    private let read = Mutex<[String: [DatabaseCandidate]]>([:])

    init(database: SymbolDatabase) {
        self.database = database
    }

    func lines(named name: String) -> [DatabaseCandidate] {
        read.withLock { read in
            if let known = read[name] { return known }
            let lines = database.candidates(named: name)
            read[name] = lines
            return lines
        }
    }

    func wereRead(_ name: String) -> Bool { read.withLock { $0[name] != nil } }
}
