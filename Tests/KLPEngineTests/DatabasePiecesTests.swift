import KLPSynthetic
import Testing

@testable import KLPEngine

/// symbols.klp is read through a small reused buffer (SymbolListParser.parse(path:filter:pieceSize:read:)). Any
/// piece size, and a reader that returns fewer bytes than asked (a pipe), must give the database the whole buffer
/// gives: same records, files, positions, order evidence and exports, and the same error at the same line.
@Suite struct DatabasePiecesTests {
    /// Parses `bytes` as the file reader would, handing out at most `stride` bytes per read.
    static func parseInPieces(_ bytes: [UInt8], pieceSize: Int, stride: Int, only: Set<String>? = nil)
        throws -> SymbolDatabase
    {
        let filter = only.map(NameFilter.init)
        let contents = try contentsInPieces(bytes, filter, pieceSize: pieceSize, stride: stride)
        return SymbolDatabase(path: "p.klp", contents: contents, filter: filter)
    }

    /// The parser's contents for `bytes` handed out at most `stride` bytes per read, into `pieceSize` pieces.
    static func contentsInPieces(_ bytes: [UInt8], _ filter: NameFilter?, pieceSize: Int, stride: Int)
        throws(DatabaseError) -> DatabaseContents
    {
        var offset = 0
        return try SymbolListParser.parse(path: "p.klp", filter: filter, pieceSize: pieceSize) {
            buffer throws(DatabaseError) -> Int in
            let count = min(buffer.count, stride, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }

    static func whole(_ bytes: [UInt8], only: Set<String>? = nil) throws -> SymbolDatabase {
        try bytes.withUnsafeBytes { raw in try SymbolDatabase.parse(bytes: raw, path: "p.klp", only: only) }
    }

    /// Everything a conversion or the TUI asks of a database, for every name it holds.
    static func summary(_ database: SymbolDatabase) -> [String] {
        var lines = ["order \(database.order) \(database.orderReason)", "objects \(database.objectNames)"]
        for id in database.allNameIDs {
            let name = database.name(of: id)
            let exporters = database.exportingObjects(of: name)
            lines.append("\(name): \(database.candidates(named: name)) exported by \(exporters)")
        }
        return lines
    }

    static let sample: [UInt8] = SyntheticSymbolList.make(
        SyntheticSymbolList.Shape(vmlinuxSymbols: 300, modules: 12, symbolsPerModule: 40, ordered: true))
    static let sorted: [UInt8] = SyntheticSymbolList.make(
        SyntheticSymbolList.Shape(vmlinuxSymbols: 300, modules: 12, symbolsPerModule: 40, ordered: false))

    @Test(arguments: [(64, 64), (64, 7), (100, 1_000), (1 << 18, 333)])
    func piecesGiveTheWholeBuffersDatabase(pieceSize: Int, stride: Int) throws {
        // After the evidence block's `*` line the parser reads nothing more (not even a NUL byte).
        let evidence = Self.sample + Array("*\(EvidenceFormat.objectName)\n@zz\u{0}\n".utf8)
        for bytes in [Self.sample, Self.sorted, Array(Self.sample.dropLast()), evidence] {
            #expect(
                Self.summary(try Self.parseInPieces(bytes, pieceSize: pieceSize, stride: stride))
                    == Self.summary(try Self.whole(bytes)))
        }
        // A targeted load: the names a patch would ask for, among them homonyms with many lines.
        let wanted: Set<String> = ["__key", "_rs", "init_module", "lock", "no_such_name"]
        #expect(
            Self.summary(try Self.parseInPieces(Self.sample, pieceSize: pieceSize, stride: stride, only: wanted))
                == Self.summary(try Self.whole(Self.sample, only: wanted)))
    }

    @Test func errorsAreTheSameAcrossPieces() throws {
        let header = "klp-convert-symbol-data.0.1 order=kallsyms\n*vmlinux\n-kernel/a.c\n"
        let long = String(repeating: "x", count: SymbolListParser.maximumLineLength + 1)
        let cases = [
            header + "alpha\nbeta\n\ngamma\n",
            header + "alpha\nbe\u{0}ta\n",
            header + "alpha\n" + long + "\nbeta\n",
            header + "alpha\r\n",
            header + "alpha\n__ksymtab_\n",
            "klp-convert-symbol-data.0.1\nalpha\n",
            "not a symbol list\n",
            "",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            var expected = "parsed"
            do { _ = try Self.whole(bytes) } catch { expected = "\(error)" }
            #expect(expected != "parsed", "\(text.prefix(60))")
            for (pieceSize, stride) in [(64, 64), (64, 5), (1 << 18, 3)] {
                var got = "parsed"
                do { _ = try Self.parseInPieces(bytes, pieceSize: pieceSize, stride: stride) } catch {
                    got = "\(error)"
                }
                #expect(got == expected, "piece \(pieceSize), read \(stride): \(text.prefix(60))")
            }
        }
    }
}
