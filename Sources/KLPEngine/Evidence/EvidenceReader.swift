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

    /// Evidence by symbols.klp line number (`DatabaseCandidate.line`) for each of `lines`, from symbols.klp bytes
    /// already in memory (`path` for messages).
    ///
    /// Per line it costs one memchr and a look at the first byte: the "before" neighbours are found by walking
    /// back from a wanted line, the "after" ones only while a wanted line still needs them, and evidence records
    /// are decoded only for wanted lines.
    public static func read(_ raw: UnsafeRawBufferPointer, path: String, lines wanted: Set<Int>)
        throws(DatabaseError) -> [Int: SymbolEvidence]
    {
        guard let base = raw.baseAddress, raw.count > 0, !wanted.isEmpty else { return [:] }
        let evidenceObject = Array(("*" + EvidenceFormat.objectName).utf8)
        let targets = wanted.sorted()
        var nextTarget = 0
        var results: [Int: SymbolEvidence] = [:]
        // Wanted lines still collecting their "after" neighbours.
        var collecting: [Int] = []
        var lineNumber = 0
        var start = 0
        var objectStart = 0  // offset of the current object block's `*` line
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
            if evidenceLine > 0 {
                records += 1
                let described = records + 1
                while nextTarget < targets.count && targets[nextTarget] < described { nextTarget += 1 }
                guard nextTarget < targets.count, targets[nextTarget] == described else { continue }
                guard described < evidenceLine,
                    let record = EvidenceFormat.parse(UnsafeRawBufferPointer(start: base + start, count: length))
                else {
                    throw DatabaseError.format(path: path, line: lineNumber, .evidenceRecord)
                }
                if results[described] != nil {
                    results[described]!.address = record.address
                    results[described]!.declarationLine = record.line
                }
                continue
            }
            let first = length > 0 ? raw[start] : 0
            if first == UInt8(ascii: "*") {
                ordinal = 0
                objectStart = start
                collecting.removeAll()
                if length == evidenceObject.count && memcmp(base + start, evidenceObject, length) == 0 {
                    evidenceLine = lineNumber
                    nextTarget = 0
                }
                continue
            }
            if first == UInt8(ascii: "-") { continue }
            if first == UInt8(ascii: "_") && isExportMarker(base + start, length) { continue }
            ordinal += 1
            if !collecting.isEmpty {
                let neighbour = text(start, length)
                collecting.removeAll { line in
                    results[line]!.after.append(neighbour)
                    return results[line]!.after.count == neighbourCount
                }
            }
            while nextTarget < targets.count && targets[nextTarget] < lineNumber { nextTarget += 1 }
            if nextTarget < targets.count && targets[nextTarget] == lineNumber {
                let before = symbolLines(before: start, notBefore: objectStart, base: base).map { text($0.0, $0.1) }
                results[lineNumber] = SymbolEvidence(before: before, index: ordinal - 1)
                collecting.append(lineNumber)
            }
        }
        if evidenceLine > 0 && records != evidenceLine - 2 {
            throw DatabaseError.format(
                path: path, line: evidenceLine, .evidenceCount(records: records, lines: evidenceLine - 2))
        }
        return results
    }

    /// Up to `neighbourCount` symbol lines (offset, length) ending just before the line at `offset`, oldest first,
    /// not crossing the object line at `limit`; markers and export lines are skipped.
    private static func symbolLines(before offset: Int, notBefore limit: Int, base: UnsafeRawPointer) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        var end = offset - 1  // the newline that ends the previous line
        while found.count < neighbourCount && end > limit {
            var lineStart = end
            while lineStart > limit && base.load(fromByteOffset: lineStart - 1, as: UInt8.self) != 10 {
                lineStart -= 1
            }
            let length = end - lineStart
            if lineStart <= limit { break }  // reached the object line
            let first = length > 0 ? base.load(fromByteOffset: lineStart, as: UInt8.self) : 0
            if first != UInt8(ascii: "-") && !isExportMarker(base + lineStart, length) {
                found.append((lineStart, length))
            }
            end = lineStart - 1
        }
        return found.reversed()
    }

    /// The parser's own test of an export line, so neighbours skip exactly the lines it does not count.
    private static func isExportMarker(_ line: UnsafeRawPointer, _ length: Int) -> Bool {
        SymbolListParser.exportMarkerPrefixLength(
            line, length, SymbolListParser.ksymtabHead, SymbolListParser.ksymtabTail, SymbolListParser.exportHead,
            SymbolListParser.exportTail) > 0
    }
}
