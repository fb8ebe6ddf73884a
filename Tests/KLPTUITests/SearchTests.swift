import KLPEngine
import KLPSynthetic
import Testing

@testable import KLPTUI

@Suite struct SearchTests {
    static let text = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -a.c
        Init_Once
        foo
        __ksymtab_foo
        -b.c
        init_once
        *my-mod
        bar_init
        __export_symbol_bar_init
        """

    @Test func indexSkipsMarkersAndKeepsPlaces() throws {
        let index = try DatabaseIndex(database: SymbolDatabase.parse(bytes: Array(Self.text.utf8), path: "search.klp"))
        #expect(index.rowCount == 4)
        func place(_ i: Int) -> (name: String, object: String, file: String?, line: Int) {
            let c = index.candidate(i)
            return (c.name, c.object, c.file, c.line)
        }
        #expect(place(0) == ("Init_Once", "vmlinux", "a.c", 4))
        #expect(place(2) == ("init_once", "vmlinux", "b.c", 8))
        #expect(place(3) == ("bar_init", "my_mod", nil, 10))
    }

    @Test func searchIsCaseInsensitiveAndFindsEveryRowOnce() throws {
        let index = try DatabaseIndex(database: SymbolDatabase.parse(bytes: Array(Self.text.utf8), path: "search.klp"))
        #expect(index.search(Array("init".utf8)) == [0, 2, 3])
        #expect(index.search(Array("once".utf8)) == [0, 2])
        #expect(index.search(Array("o".utf8)) == [0, 1, 2])  // "foo" holds two: one row
        #expect(index.search(Array("\n".utf8)) == [])
        #expect(index.search(Array("zzz".utf8)) == [])
    }

    /// Narrowing while typing must give exactly what a fresh search gives, on a database with many names.
    @Test func incrementalSearchEqualsFreshSearch() throws {
        var text = "klp-convert-symbol-data.0.1 order=kallsyms\n"
        var rng = SyntheticSymbolList.Random(seed: 7)
        for o in 0..<3 {
            text += "*obj\(o)\n"
            for _ in 0..<3000 {
                let parts = ["init", "once", "show", "s_", "start", "Drv", "xfs", "_", "log"]
                var name = ""
                for _ in 0..<(1 + Int(rng.next() % 4)) { name += parts[Int(rng.next() % UInt64(parts.count))] }
                text += name + "\n"
            }
        }
        let index = try DatabaseIndex(database: SymbolDatabase.parse(bytes: Array(text.utf8), path: "search.klp"))
        var search = IncrementalSearch()
        for query in ["s", "s_", "s_s", "s_st", "s_sta", "s_st", "s_", "", "i", "in", "ini", "init_", "INIT_o"] {
            search.update(query, in: index)
            let expected: [Int32]? =
                query.isEmpty
                ? nil
                : (0..<index.rowCount).filter {
                    index.candidate($0).name.lowercased().contains(query.lowercased())
                }.map(Int32.init)
            #expect(search.rows == expected, "query \(query)")
        }
    }

    @Test func clipUsesDisplayWidthAndAnEllipsis() {
        #expect(TextWidth.clip("init_once", to: 20) == "init_once")
        #expect(TextWidth.clip("init_once", to: 5) == "init…")
        #expect(TextWidth.clip("漢字漢字", to: 5) == "漢字…")
        #expect(TextWidth.width(of: TextWidth.clip("漢字漢字", to: 4)) <= 4)
        #expect(TextWidth.fit("é", to: 3) == "é  ")
        var screen = ScreenBuffer(size: Size(rows: 1, columns: 10))
        screen.put("ab漢字cdefghij", row: 0, column: 2, limit: 6, style: .normal)
        #expect(screen.text == "  ab漢…")
        screen.put("x\u{1b}[2Jy", row: 0, column: 0, limit: 4, style: .normal)
        #expect(screen.text.hasPrefix("x?[…"))
    }
}

@Suite struct BidiOverrideRenderingTests {
    /// A right-to-left override in a symbol or file name must not reorder the terminal's text.
    @Test func bidiOverridesAreDrawnAsQuestionMarks() {
        var screen = ScreenBuffer(size: Size(rows: 1, columns: 20))
        screen.put("a\u{202E}b\u{2066}c", row: 0, column: 0, style: .normal)
        #expect(screen.text.hasPrefix("a?b?c"))
    }
}
