#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the evidence of a few symbols.klp lines in one pass over the file: neighbours from the symbol lines
/// around them in their object block, address and declaration line from the evidence block (EvidenceFormat).
/// Run only when evidence is shown (explain, list, the ambiguity error, the TUI's detail panel), never by a
/// conversion's database load. The file was validated by `SymbolListParser` already; this pass checks only the
/// evidence block.
public enum EvidenceReader {
    /// Symbols shown on each side of a copy (about three, as in the examples).
    public static let neighbourCount = 3

    /// Evidence by symbols.klp line number (`DatabaseCandidate.line`) for each of `lines`. Reads the file again:
    /// for a pipe, load the bytes once and use `read(_:path:lines:)` with them.
    public static func read(path: String, lines: Set<Int>) throws(DatabaseError) -> [Int: SymbolEvidence] {
        guard !lines.isEmpty else { return [:] }
        let file = try InputFile.readDatabase(path, what: "Symbol list")
        return try file.withBytes { bytes throws(DatabaseError) in try read(bytes, path: path, lines: lines) }
    }

    /// Evidence from symbols.klp bytes already in memory (`path` for messages).
    public static func read(_ raw: UnsafeRawBufferPointer, path: String, lines wanted: Set<Int>)
        throws(DatabaseError) -> [Int: SymbolEvidence]
    {
        guard let base = raw.baseAddress, raw.count > 0 else { return [:] }
        let evidenceObject = Array(("*" + EvidenceFormat.objectName).utf8)
        var results: [Int: SymbolEvidence] = [:]
        // The last symbol lines of the current object block (offset, length), oldest first.
        var recent: [(Int, Int)] = []
        // Wanted lines still collecting their "after" neighbours.
        var collecting: [Int] = []
        var lineNumber = 0
        var start = 0
        var evidenceLine = 0  // line number of the `*.klp_evidence` line, 0 before it
        var records = 0
        var ordinal = 0  // symbol lines seen in the current object block
        func text(_ offset: Int, _ length: Int) -> String {
            String(decoding: UnsafeRawBufferPointer(start: base + offset, count: length), as: UTF8.self)
        }
        while start < raw.count {
            lineNumber += 1
            let lineEnd = memchr(base + start, 10, raw.count - start).map { UnsafeRawPointer($0) - base } ?? raw.count
            let length = lineEnd - start
            defer { start = lineEnd + 1 }
            if lineNumber == 1 { continue }
            let first = length > 0 ? raw[start] : 0
            if evidenceLine > 0 {
                records += 1
                let described = records + 1
                guard wanted.contains(described) else { continue }
                guard described < evidenceLine,
                    let record = EvidenceFormat.parse(UnsafeRawBufferPointer(start: base + start, count: length))
                else {
                    throw DatabaseError(
                        path: path, line: lineNumber,
                        message: "evidence record is not '@[address][:line]' or has no line above")
                }
                results[described, default: SymbolEvidence()].address = record.address
                results[described, default: SymbolEvidence()].declarationLine = record.line
                continue
            }
            if first == UInt8(ascii: "*") {
                ordinal = 0
                recent.removeAll()
                collecting.removeAll()
                if length == evidenceObject.count && memcmp(base + start, evidenceObject, length) == 0 {
                    evidenceLine = lineNumber
                }
                continue
            }
            if first == UInt8(ascii: "-") || isExportMarker(base + start, length) { continue }
            let name = (start, length)
            if !collecting.isEmpty {
                let neighbour = text(name.0, name.1)
                collecting.removeAll { line in
                    results[line]!.after.append(neighbour)
                    return results[line]!.after.count == neighbourCount
                }
            }
            if wanted.contains(lineNumber) {
                results[lineNumber] = SymbolEvidence(before: recent.map { text($0.0, $0.1) }, index: ordinal)
                collecting.append(lineNumber)
            }
            ordinal += 1
            recent.append(name)
            if recent.count > neighbourCount { recent.removeFirst() }
        }
        if evidenceLine > 0 && records != evidenceLine - 2 {
            throw DatabaseError(
                path: path, line: evidenceLine,
                message: "evidence block has \(records) records for the \(evidenceLine - 2) lines "
                    + "above it (the file was edited or cut)")
        }
        return results
    }

    private static func isExportMarker(_ line: UnsafeRawPointer, _ length: Int) -> Bool {
        let bytes = UnsafeRawBufferPointer(start: line, count: length)
        return bytes.starts(with: "__ksymtab_".utf8) || bytes.starts(with: "__export_symbol_".utf8)
    }
}
