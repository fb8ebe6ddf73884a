import KLPSynthetic
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The vectorised scan (LineEnds, the short path for plain symbol lines) must read every file exactly as the
/// scanner before it did (MemchrSymbolListParser, kept in Tests as the oracle): the same database, or the same
/// error at the same line. Many variants of generated files are parsed both ways: each has a few lines inserted
/// or changed (empty lines, NUL bytes, CRs, overlong lines, stray `*` and `-` lines, export markers without a
/// name, lines out of order, the evidence block, very short lines, no final newline), so that errors on
/// different lines compete and every branch of the short path is left at some point.
@Suite struct DatabaseScanEquivalenceTests {

    static let bases: [(String, [UInt8])] = [
        ("ordered", Self.make(200, true)),
        ("sorted", Self.make(200, false)),
        (
            "0.2 header",
            Array("klp-convert-symbol-data.0.2\n*vmlinux\nb\na\n__ksymtab_a\n*mod-x\nz\ny\n__export_symbol_y\n".utf8)
        ),
        ("locale", Array("klp-convert-symbol-data.0.1\n*vmlinux\nhomo\n__ksymtab_x\nzeta\n*m\nA\nb\nB\n".utf8)),
    ]

    static func make(_ vmlinuxSymbols: Int, _ ordered: Bool) -> [UInt8] {
        SyntheticSymbolList.make(
            .init(vmlinuxSymbols: vmlinuxSymbols, modules: 8, symbolsPerModule: 30, ordered: ordered))
    }

    /// Lines a variant may insert; "%" is replaced by a NUL byte.
    static let insertions: [String] = [
        "", "%", "na%me", "name\r", "\r", String(repeating: "x", count: SymbolListParser.maximumLineLength),
        String(repeating: "y", count: SymbolListParser.maximumLineLength + 1), "*", "*new-object", "*vmlinux", "-",
        "-?", "-kernel/sched/core.c", "__ksymtab_", "__export_symbol_", "__ksymtab_ab", "__export_symbol_read_0",
        "a", "ab", "abcdefg", "__key", "_rs", "lock", "init_module", "*\(EvidenceFormat.objectName)",
        "@evidence line after the block%",
    ]

    /// `base` with one to three changes at random lines.
    static func variant(of base: [UInt8], _ random: inout XorShift) -> [UInt8] {
        var lines = base.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if lines.last == [] { lines.removeLast() }
        for _ in 0..<(1 + random.next(3)) {
            let at = 1 + random.next(max(lines.count - 1, 1))
            switch random.next(4) {
            case 0, 1:
                let text = insertions[random.next(insertions.count)]
                lines.insert(Array(text.utf8).map { $0 == UInt8(ascii: "%") ? 0 : $0 }, at: min(at, lines.count))
            case 2:
                if at + 1 < lines.count { lines.swapAt(at, at + 1) }
            default:
                // A run of short lines: several newlines in 16 bytes.
                lines.insert(contentsOf: [[UInt8(ascii: "q")], [UInt8(ascii: "r")], [UInt8(ascii: "s")]], at: at)
            }
        }
        var bytes = lines.joined(separator: [10]).map { $0 }
        if random.next(4) != 0 { bytes.append(10) }
        return bytes
    }

    /// The database or the error, as text.
    static func outcome(_ parse: () throws(DatabaseError) -> DatabaseContents, only: NameFilter?) -> [String] {
        do {
            let contents = try parse()
            return DatabasePiecesTests.summary(SymbolDatabase(path: "p.klp", contents: contents, filter: only))
        } catch {
            return ["error: \(error)"]
        }
    }

    static func oracle(_ bytes: [UInt8], _ filter: NameFilter?) -> [String] {
        outcome(
            { () throws(DatabaseError) -> DatabaseContents in
                let result: Result<DatabaseContents, DatabaseError> = bytes.withUnsafeBytes { raw in
                    Result { () throws(DatabaseError) in
                        try MemchrSymbolListParser.parse(raw, path: "p.klp", filter: filter)
                    }
                }
                return try result.get()
            }, only: filter)
    }

    static func whole(_ bytes: [UInt8], _ filter: NameFilter?) -> [String] {
        outcome(
            { () throws(DatabaseError) -> DatabaseContents in
                let result: Result<DatabaseContents, DatabaseError> = bytes.withUnsafeBytes { raw in
                    Result { () throws(DatabaseError) in try SymbolListParser.parse(raw, path: "p.klp", filter: filter)
                    }
                }
                return try result.get()
            }, only: filter)
    }

    static func pieces(_ bytes: [UInt8], _ filter: NameFilter?, pieceSize: Int, stride: Int) -> [String] {
        outcome(
            { () throws(DatabaseError) -> DatabaseContents in
                try DatabasePiecesTests.contentsInPieces(bytes, filter, pieceSize: pieceSize, stride: stride)
            }, only: filter)
    }

    /// The first entry where two outcomes differ, shortened (a whole database would bury the failure).
    static func difference(_ got: [String], _ expected: [String]) -> String? {
        guard got != expected else { return nil }
        let common = min(got.count, expected.count)
        let index = (0..<common).first(where: { got[$0] != expected[$0] }) ?? common
        func at(_ list: [String]) -> String { index < list.count ? String(list[index].prefix(200)) : "(none)" }
        return "entry \(index): got \(at(got)), expected \(at(expected))"
    }

    /// Names of the generated bases that a targeted load keeps, with their homonyms, file markers and exports:
    /// every 9th symbol line's name (export markers give the name they export).
    static let baseNames: Set<String> = {
        var names = Set<String>()
        for (_, base) in bases {
            let lines = base.split(separator: 10).map { String(decoding: $0, as: UTF8.self) }
            for (index, line) in lines.enumerated().dropFirst() where index % 9 == 0 {
                guard let first = line.first, first != "*", first != "-" else { continue }
                var name = Substring(line)
                for prefix in ["__ksymtab_", "__export_symbol_"] where name.hasPrefix(prefix) {
                    name = name.dropFirst(prefix.count)
                }
                names.insert(String(name))
            }
        }
        return names
    }()

    @Test func variantsParseAsTheMemchrScannerParsedThem() {
        var random = XorShift(state: 0x9e37_79b9_7f4a_7c15)
        var errors = 0
        let inserted: Set<String> = ["__key", "_rs", "lock", "init_module", "a", "ab", "q", "y", "homo", "x", "b"]
        // Names the inserted lines bring, and (every other round) names of the base: with them, the targeted
        // scan stops at wanted lines all through the file, between the lines that make errors.
        let filters = [NameFilter(inserted), NameFilter(inserted.union(Self.baseNames))]
        #expect(Self.baseNames.count > 20)
        for round in 0..<400 {
            let (label, base) = Self.bases[round % Self.bases.count]
            let bytes = round < Self.bases.count ? base : Self.variant(of: base, &random)
            for filter in [nil, filters[(round / Self.bases.count) % 2]] {
                let expected = Self.oracle(bytes, filter)
                if expected.first?.hasPrefix("error") == true { errors += 1 }
                let context = "round \(round) (\(label)), filter \(filter != nil)"
                #expect(Self.difference(Self.whole(bytes, filter), expected) == nil, "\(context), whole buffer")
                let (pieceSize, stride) = [(64, 64), (64, 9), (100, 37), (1 << 18, 1 << 18)][round % 4]
                #expect(
                    Self.difference(Self.pieces(bytes, filter, pieceSize: pieceSize, stride: stride), expected) == nil,
                    "\(context), pieces of \(pieceSize) read \(stride) at a time")
            }
        }
        // The variants reach both outcomes often: neither half of the comparison is vacuous.
        #expect(errors > 100)
        #expect(errors < 700)
    }

    /// A targeted load keeps, for each wanted name, exactly what a full load has for it.
    @Test func targetedLoadKeepsWhatTheFullLoadHasForEachWantedName() throws {
        let bytes = Self.bases[0].1
        let full = try SymbolDatabase.parse(bytes: bytes, path: "p.klp")
        var names = full.allNameIDs.map { full.name(of: $0) }
        names.sort()
        var random = XorShift(state: 42)
        for size in [1, 12, 1_000] {
            var wanted = Set<String>()
            for _ in 0..<size { wanted.insert(names[random.next(names.count)]) }
            wanted.insert("no_such_name")
            let targeted = try SymbolDatabase.parse(bytes: bytes, path: "p.klp", only: wanted)
            var kept = 0
            for name in wanted {
                #expect(targeted.candidates(named: name) == full.candidates(named: name), "\(name)")
                #expect(targeted.exportingObjects(of: name) == full.exportingObjects(of: name), "\(name)")
                kept += full.candidates(named: name).count
            }
            #expect(targeted.symbolCount == kept)
        }
    }
}
