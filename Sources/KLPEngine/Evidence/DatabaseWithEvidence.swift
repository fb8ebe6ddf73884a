/// A targeted database load plus the evidence of every copy of the wanted names, from one read of symbols.klp
/// (so a pipe such as `<(zcat symbols.klp.gz)` works): what `explain` shows.
public enum DatabaseWithEvidence {
    public static func load(path: String, names: Set<String>) throws(DatabaseError)
        -> (database: SymbolDatabase, evidence: [Int: SymbolEvidence])
    {
        let file = try InputFile.readDatabase(path, what: "Symbol list")
        return try file.withBytes { raw throws(DatabaseError) in
            let database = try SymbolDatabase.parse(bytes: raw, path: path, only: names)
            let lines = names.flatMap { database.candidates(named: $0).map(\.line) }
            return (database, try EvidenceReader.read(raw, path: path, lines: Set(lines)))
        }
    }
}
