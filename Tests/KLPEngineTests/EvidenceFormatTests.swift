import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// The evidence block of symbols.klp: written by build-db when it has addresses or lines, invisible to the
/// conversion's load, read back per line with neighbours, and harmless to the 0.1 rules.
@Suite struct EvidenceFormatTests {
    static let database = BuiltDatabase(objects: [
        BuiltObject(
            name: "vmlinux",
            symbols: [
                BuiltSymbol(name: "inode_init_always", file: "fs/inode.c", line: 150, address: 0xffffffff81300000),
                BuiltSymbol(name: "inode_init_once", file: "fs/inode.c", line: 420, address: 0xffffffff81300100),
                BuiltSymbol(name: "init_once", file: "fs/inode.c", line: 440, address: 0xffffffff81300200),
                BuiltSymbol(name: "__ksymtab_inode_init_once", address: 0xffffffff82000000),
                BuiltSymbol(name: "iput", file: "fs/inode.c", line: 1780, address: 0xffffffff81300300),
                BuiltSymbol(name: "kallsyms_open", file: "kernel/kallsyms.c", line: 880, address: 0xffffffff81100000),
                BuiltSymbol(name: "init_once", file: "fs/dcache.c", line: 3200, address: 0xffffffff81400000),
            ], source: "test"),
        BuiltObject(
            name: "ext4", symbols: [BuiltSymbol(name: "init_once", file: "fs/ext4/super.c", line: 1400)],
            source: "test"),
    ])

    @Test func addressesAndLinesRoundTripWithNeighbours() throws {
        let (bytes, _) = DatabaseWriter.render(Self.database)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("klp-convert-symbol-data.0.1 order=kallsyms evidence=1\n"))
        let db = try SymbolDatabase.parse(bytes: bytes, path: "symbols.klp")
        // The block is not an object of the database, and adds no symbol.
        #expect(db.objectNames == ["vmlinux", "ext4"])
        let copies = db.candidates(named: "init_once")
        #expect(copies.map(\.position) == [1, 2, 0])
        let evidence = try bytes.withUnsafeBytes { raw in
            try EvidenceReader.read(raw, path: "symbols.klp", lines: Set(copies.map(\.line)))
        }
        let first = try #require(evidence[copies[0].line])
        #expect(first.address == 0xffffffff81300200)
        #expect(first.declarationLine == 440)
        #expect(first.before == ["inode_init_always", "inode_init_once"])
        // Export markers are not neighbours.
        #expect(first.after == ["iput", "kallsyms_open", "init_once"])
        let second = try #require(evidence[copies[1].line])
        #expect(second.address == 0xffffffff81400000 && second.declarationLine == 3200)
        #expect(second.before == ["init_once", "iput", "kallsyms_open"])
        #expect(second.after.isEmpty)
        // A module copy: a line, no address; neighbours stop at the block's end.
        let module = try #require(evidence[copies[2].line])
        #expect(module.address == nil && module.declarationLine == 1400 && module.before.isEmpty)
        #expect(copies[2].file == "fs/ext4/super.c")
    }

    @Test func theMainPartIsTheFileWithoutEvidence() throws {
        // Everything above the block is byte for byte what a file without addresses and lines would be, so the
        // 0.1 rules (and older readers of ours) read the same symbols, plus one object of '@' names.
        var plain = Self.database
        plain = BuiltDatabase(
            objects: plain.objects.map { object in
                var copy = object
                copy.symbols = object.symbols.map { BuiltSymbol(name: $0.name, file: $0.file) }
                return copy
            })
        let withEvidence = String(decoding: DatabaseWriter.render(Self.database).bytes, as: UTF8.self)
        let without = String(decoding: DatabaseWriter.render(plain).bytes, as: UTF8.self)
        let parts = withEvidence.components(separatedBy: "*\(EvidenceFormat.objectName)\n")
        #expect(parts.count == 2)
        #expect(parts[0].replacingOccurrences(of: " evidence=1", with: "") == without)
        let records = parts[1].split(separator: "\n")
        #expect(records.count == without.split(separator: "\n").count - 1)
        #expect(records.allSatisfy { $0.hasPrefix("@") })
    }

    @Test func aCutOrEditedBlockIsReportedWithItsLine() throws {
        var (bytes, _) = DatabaseWriter.render(Self.database)
        bytes.removeLast(7)  // the last record, "@:1400\n" (a record cut in its middle cannot be noticed)
        let db = try SymbolDatabase.parse(bytes: bytes, path: "cut.klp")
        let line = db.candidates(named: "init_once")[0].line
        #expect(throws: DatabaseError.self) {
            try bytes.withUnsafeBytes { raw in try EvidenceReader.read(raw, path: "cut.klp", lines: [line]) }
        }
        var edited = DatabaseWriter.render(Self.database).bytes
        let text = String(decoding: edited, as: UTF8.self).replacingOccurrences(
            of: "@ffffffff81300200:440", with: "@zz")
        edited = Array(text.utf8)
        do {
            _ = try edited.withUnsafeBytes { raw in try EvidenceReader.read(raw, path: "edited.klp", lines: [line]) }
            Issue.record("a malformed record was accepted")
        } catch let error as DatabaseError {
            #expect(error.path == "edited.klp" && error.line != nil)
            #expect(error.message.contains("evidence record"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
