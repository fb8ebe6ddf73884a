@testable import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The symbols.klp scanner as it was before the vectorised line search (memchr per line, every line through the
/// full set of checks), kept only as the oracle of the equivalence tests (DatabaseScanEquivalenceTests).
enum MemchrSymbolListParser {
    static func parse(_ raw: UnsafeRawBufferPointer, path: String, filter: NameFilter?)
        throws(DatabaseError) -> DatabaseContents
    {
        var scanner = Scanner(path: path, filter: filter, expectedBytes: raw.count)
        _ = try scanner.lines(raw, atEnd: true)
        return try scanner.finish()
    }

    /// The parser's state between pieces. Lines are handled only when complete; bytes a later line needs from an
    /// earlier piece (the current `-<file>` marker, the previous symbol line) are copied out before the piece goes.
    struct Scanner {
        let path: String
        let filter: NameFilter?
        var contents: DatabaseContents
        var orderEvidence: DatabaseOrderReason? = nil
        var sawBytes = false
        var lineNumber = 0
        var currentObject: Int32 = -1
        // The current `-<file>` marker: interned only when a kept symbol needs it (a targeted load keeps few).
        var currentFile: Int32 = -1
        let fileMarker = CarriedLine()
        // The previous symbol line of the current block, to notice a block that is not in name order.
        let previousLine = CarriedLine()
        // The first line out of byte order but in a locale's name order (see collatedCompare), for the reason.
        var collatedHint: DatabaseOrderReason? = nil
        var pending = PendingSymbols()
        /// The `*` line of the evidence block (EvidenceFormat) was reached: it ends the symbol lines, and what
        /// follows is read only to show evidence.
        private(set) var reachedEvidence = false
        let evidenceObject = Array(EvidenceFormat.objectName.utf8)

        init(path: String, filter: NameFilter?, expectedBytes: Int) {
            self.path = path
            self.filter = filter
            // A full distribution database averages ~24 bytes per line.
            let expected = filter == nil ? max(expectedBytes, 1 << 16) / 24 + 16 : 64
            contents = DatabaseContents(symbols: SymbolRecords(expectedCount: expected))
        }

        func failure(_ line: Int, _ problem: DatabaseError.FormatProblem) -> DatabaseError {
            .format(path: path, line: line, problem)
        }

        /// Handles every complete line of `raw` (all of it when `atEnd`) and returns how many bytes that was.
        mutating func lines(_ raw: UnsafeRawBufferPointer, atEnd: Bool) throws(DatabaseError) -> Int {
            guard let base = raw.baseAddress, raw.count > 0 else { return 0 }
            sawBytes = true
            if reachedEvidence { return raw.count }
            guard raw.count <= Int(Int32.max) else { throw .symbolListTooLarge(path: path) }
            // Only complete lines: up to the last newline unless this is the end of the input.
            var end = raw.count
            if !atEnd {
                var last = end - 1
                while last >= 0 && base.load(fromByteOffset: last, as: UInt8.self) != 10 { last -= 1 }
                end = last + 1
                if end == 0 { return 0 }
            }
            // One memchr over the piece finds the first NUL; the line loop only compares offsets.
            let nulOffset = memchr(base, 0, end).map { UnsafeRawPointer($0) - base } ?? end
            // Static lets are lazily initialised globals: read them once, not on every line.
            let ksymtabHead = SymbolListParser.ksymtabHead, ksymtabTail = SymbolListParser.ksymtabTail
            let exportHead = SymbolListParser.exportHead, exportTail = SymbolListParser.exportTail
            var start = 0
            defer {
                // What later lines may still need from this piece is copied before the piece is reused.
                fileMarker.detach()
                previousLine.detach()
                pending.flush(into: &contents.symbols)
            }
            while start < end {
                lineNumber += 1
                let lineEnd = memchr(base + start, 10, end - start).map { UnsafeRawPointer($0) - base } ?? end
                if nulOffset < lineEnd { throw failure(lineNumber, .nulByte) }
                let length = lineEnd - start
                let line = base + start
                defer { start = lineEnd + 1 }
                if length > 0 && line.load(fromByteOffset: length - 1, as: UInt8.self) == 13 {
                    throw failure(lineNumber, .crlfLineEnding)
                }

                if lineNumber == 1 {
                    orderEvidence = try SymbolListParser.headerOrder(
                        line, length, lineNumber: lineNumber, path: path)
                    continue
                }
                if length == 0 { throw failure(lineNumber, .emptyLine) }
                // Kernel symbol names are at most KSYM_NAME_LEN - 1 (511) bytes; a much longer line is corruption.
                if length > SymbolListParser.maximumLineLength {
                    throw failure(
                        lineNumber, .lineTooLong(length: length, maximum: SymbolListParser.maximumLineLength))
                }

                switch line.load(as: UInt8.self) {
                case UInt8(ascii: "*"):
                    if length == 1 { throw failure(lineNumber, .emptyObjectName) }
                    if length - 1 == evidenceObject.count && memcmp(line + 1, evidenceObject, length - 1) == 0 {
                        reachedEvidence = true
                        return raw.count
                    }
                    let name = String(
                        decoding: UnsafeRawBufferPointer(start: line + 1, count: length - 1),
                        as: UTF8.self)
                    currentObject = contents.objects.intern(KLPNames.normalizeObject(name))
                    currentFile = -1
                    fileMarker.clear()
                    previousLine.clear()

                case UInt8(ascii: "-"):
                    if currentObject < 0 {
                        throw failure(lineNumber, .fileMarkerBeforeObject)
                    }
                    if length == 1 { throw failure(lineNumber, .emptyFileName) }
                    currentFile = -1
                    // "-?" (written by build-db before a table's globals) means "file unknown".
                    let unknown = length == 2 && line.load(fromByteOffset: 1, as: UInt8.self) == UInt8(ascii: "?")
                    if unknown { fileMarker.clear() } else { fileMarker.point(at: line + 1, length - 1) }
                    if orderEvidence == nil { orderEvidence = .fileMarker(line: lineNumber) }

                default:
                    if currentObject < 0 {
                        throw failure(lineNumber, .symbolBeforeObject)
                    }
                    if orderEvidence == nil {
                        if let previous = previousLine.bytes,
                            SymbolListParser.compare(previous, previousLine.length, line, length) > 0
                        {
                            let object = contents.objects.names[Int(currentObject)]
                            // `nm` under a locale other than C sorts by that locale's collation (en_US puts
                            // __ksymtab_x after homo): out of byte order, but still name order, not kallsyms order.
                            if SymbolListParser.collatedCompare(previous, previousLine.length, line, length) > 0 {
                                orderEvidence = .unsortedObject(object: object, line: lineNumber)
                            } else if collatedHint == nil {
                                collatedHint = .localeSorted(object: object, line: lineNumber)
                            }
                        }
                        previousLine.point(at: line, length)
                    }
                    let markerLength = SymbolListParser.exportMarkerPrefixLength(
                        line, length, ksymtabHead, ksymtabTail, exportHead, exportTail)
                    if markerLength > 0 {
                        if markerLength == length {
                            throw failure(lineNumber, .exportMarkerWithoutName)
                        }
                        let exported = line + markerLength
                        if filter?.contains(exported, length - markerLength) ?? true {
                            contents.exports.add(exported, length - markerLength, owner: currentObject)
                        }
                    } else if filter?.contains(line, length) ?? true {
                        if currentFile < 0, let marker = fileMarker.bytes {
                            currentFile = contents.files.add(marker, fileMarker.length)
                        }
                        pending.add(line, length, object: currentObject, file: currentFile, line: Int32(lineNumber))
                        if pending.isFull { pending.flush(into: &contents.symbols) }
                    }
                }
            }
            return end
        }

        /// The contents, once every piece has been handed to `lines`.
        mutating func finish() throws(DatabaseError) -> DatabaseContents {
            guard sawBytes else { throw .emptySymbolList(path: path) }
            pending.flush(into: &contents.symbols)
            contents.fileObjectCount = contents.objects.names.count
            contents.symbols.computePositions()
            if let orderEvidence {
                contents.order = .kallsyms
                contents.orderReason = orderEvidence
            } else {
                contents.order = .nameSorted
                contents.orderReason = collatedHint ?? .everyObjectNameSorted
            }
            return contents
        }
    }

}
