import Testing

@testable import KLPEngine

@Suite struct DatabaseUnknownFileMarkerTests {
    /// build-db writes "-?" before a symbol table's globals, whose source file the table cannot tell.
    @Test func questionMarkMarkerMeansNoFile() throws {
        let text = "klp-convert-symbol-data.0.1 order=kallsyms\n*vmlinux\n-fs/inode.c\nlocal_one\n-?\nglobal_one\n"
        let db = try SymbolDatabase.parse(bytes: Array(text.utf8), path: "t.klp")
        #expect(db.candidates(named: "local_one").first?.file == "fs/inode.c")
        #expect(db.candidates(named: "global_one").first?.file == nil)
    }
}
