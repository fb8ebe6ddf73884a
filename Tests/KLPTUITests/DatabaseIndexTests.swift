import KLPEngine
import Testing

@testable import KLPTUI

// The database screen's index is the parser's records, row for row: nothing the engine rejects, nothing it skips.

@Suite struct DatabaseIndexTests {
    /// Homonyms in one object and across objects, file markers (one repeated), export markers of both kinds, an
    /// object block that appears twice and a module name with a dash.
    static let text = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -kernel/a.c
        show
        init_once
        __ksymtab_init_once
        -kernel/b.c
        show
        init_once
        *snd-hda-codec
        show
        __export_symbol_show
        -sound/c.c
        codec_probe
        *vmlinux
        -kernel/a.c
        show
        late
        """

    @Test func rowsAreTheParsersRecords() throws {
        let database = try SymbolDatabase.parse(bytes: Array(Self.text.utf8), path: "homonyms.klp")
        let index = DatabaseIndex(database: database)
        #expect(index.rowCount == database.symbolCount)
        #expect(index.rowCount == 8)
        for r in 0..<index.rowCount {
            let record = database.candidate(atIndex: r)
            #expect(index.candidate(r) == record)
            // Each row is found by searching for its own name, and so is every homonym.
            let hits = index.search(Array(record.name.utf8)).map { database.candidate(atIndex: Int($0)) }
            #expect(hits == database.candidates(named: record.name), "\(record.name)")
        }
        #expect(index.objects == ["vmlinux", "snd_hda_codec"])
        // Positions come with the rows: vmlinux has three `show` (1...3 in line order), the module one (0).
        let shows = index.search(Array("show".utf8)).map { index.candidate(Int($0)) }
        #expect(shows.map(\.object) == ["vmlinux", "vmlinux", "snd_hda_codec", "vmlinux"])
        #expect(shows.map(\.position) == [1, 2, 0, 3])
        #expect(shows.map(\.file) == ["kernel/a.c", "kernel/b.c", nil, "kernel/a.c"])
        #expect(shows.map(\.line) == [4, 8, 11, 17])
    }

    /// Text the engine refuses (CRLF line ends, blank lines) never reaches an index: there is no database to
    /// build one from, where the old text index took such lines.
    @Test func theIndexSeesOnlyWhatTheParserAccepts() {
        for bad in [
            "klp-convert-symbol-data.0.1\r\n*vmlinux\r\ninit_once\r\n",
            "klp-convert-symbol-data.0.1\n*vmlinux\n\ninit_once\n",
        ] {
            #expect(throws: DatabaseError.self) { try SymbolDatabase.parse(bytes: Array(bad.utf8), path: "bad.klp") }
        }
    }
}
