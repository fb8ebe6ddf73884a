import KLPEngine

/// Turns a `BuiltDatabase` into symbols.klp bytes (§1.1 of the reference, DECISIONS 1):
///
///     klp-convert-symbol-data.0.1 order=kallsyms
///     *vmlinux
///     -file.c            <- source file of the following lines (STT_FILE base name)
///     symbol             <- one line per kallsyms entry, in walk order
///     -?                 <- the following lines' file is not known (globals, kallsyms dumps)
///     __ksymtab_name     <- export markers: where the kernel lists them, then the object's other exports
///                           (from __export_symbol_*, Module.symvers), sorted
///     *.klp_evidence     <- only when some symbol has an address or a line (header then says evidence=1):
///     @ffffffff81234560:1032   one record per line above it (header excluded), same order (SymbolEvidence)
///
/// The 0.1 tag keeps upstream readers working (they compare the prefix and ignore `-` lines only if taught to;
/// v7 would read a `-file` line as a symbol named "-file", harmless since no C symbol starts with '-').
/// Same model, same bytes: nothing here depends on hashing order or the clock.
public enum DatabaseWriter {
    public static let header = "klp-convert-symbol-data.0.1 order=kallsyms"
    /// The header of a file with an evidence block.
    public static let evidenceHeader = header + " " + EvidenceFormat.headerAttribute
    /// File marker for lines whose source file is unknown; the reader shows no file for them.
    public static let unknownFile = "?"

    /// Names that cannot be written as a symbol line: they would be read back as an object (`*`), a file marker
    /// (`-`), an export marker without a name, or break the line structure.
    static func isWritable(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "*"), first != UInt8(ascii: "-") else { return false }
        if name == "__ksymtab_" || name == "__export_symbol_" { return false }
        return !name.utf8.contains { $0 == 10 || $0 == 13 || $0 == 0 }
    }

    static func isWritableFile(_ name: String) -> Bool {
        !name.isEmpty && !name.utf8.contains { $0 == 10 || $0 == 13 || $0 == 0 }
    }

    /// The file bytes, plus the names left out because they could not be written (for a warning).
    public static func render(_ database: BuiltDatabase) -> (bytes: [UInt8], unwritable: [String]) {
        var out: [UInt8] = []
        out.reserveCapacity(64 + database.objects.reduce(0) { $0 + 24 * ($1.symbols.count + $1.exports.count + 1) })
        var unwritable: [String] = []
        // One evidence record per line after the header; written only if one of them says something.
        var records: [UInt8] = []
        var recordsSaySomething = false
        func line(_ prefix: UInt8?, _ text: String, _ symbol: BuiltSymbol? = nil) {
            if let prefix { out.append(prefix) }
            out.append(contentsOf: text.utf8)
            out.append(10)
            let record = EvidenceFormat.record(address: symbol?.address, line: symbol?.line)
            recordsSaySomething = recordsSaySomething || record.count > 1
            records.append(contentsOf: record)
            records.append(10)
        }
        line(nil, header)
        records.removeAll()
        for object in database.objects {
            guard isWritableFile(object.name) else {
                unwritable.append("object \(object.name.debugDescription) from \(object.source)")
                continue
            }
            line(UInt8(ascii: "*"), object.name)
            var currentFile: String? = nil
            var markedInPlace = Set<String>()
            for symbol in object.symbols {
                guard isWritable(symbol.name) else {
                    unwritable.append("\(object.name): \(symbol.name.debugDescription)")
                    continue
                }
                let file = symbol.file.flatMap { isWritableFile($0) ? $0 : nil }
                if file != currentFile {
                    line(UInt8(ascii: "-"), file ?? unknownFile)
                    currentFile = file
                }
                line(nil, symbol.name, symbol)
                if let exported = BuiltObject.exportedName(fromMarker: symbol.name) { markedInPlace.insert(exported) }
            }
            let exports = object.exports.subtracting(markedInPlace).map { Array($0.utf8) }
                .sorted { $0.lexicographicallyPrecedes($1) }
            for name in exports where !name.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) {
                out.append(contentsOf: "__ksymtab_".utf8)
                out.append(contentsOf: name)
                out.append(10)
                records.append(contentsOf: EvidenceFormat.record(address: nil, line: nil))
                records.append(10)
            }
        }
        if recordsSaySomething {
            out.replaceSubrange(0..<header.utf8.count, with: evidenceHeader.utf8)
            out.append(UInt8(ascii: "*"))
            out.append(contentsOf: EvidenceFormat.objectName.utf8)
            out.append(10)
            out.append(contentsOf: records)
        }
        return (out, unwritable)
    }
}
