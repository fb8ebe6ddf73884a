import CLineScan

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the bytes of a symbols.klp file (§1.1 of the reference, plus the `-<file>` markers of DECISIONS 1) in one
/// pass: a vectorised search finds the newlines (LineEnds), and a line becomes a String only for object names and
/// the header.
/// With a `NameFilter`, every line is still validated but only wanted names are stored; once the order is decided
/// (the header's order=kallsyms, a `-<file>` line, a block out of name order), the lines that are only to be
/// rejected go through one C loop (klp_skip_unwanted_lines), which returns here for every other line.
/// The bytes may come in pieces (`Scanner`): SymbolDatabase.load reads the file through a small reused buffer, as
/// `cat` does, because a fresh buffer of the whole file costs a page fault per 4 KB (about 6 ms for 16 MB).
enum SymbolListParser {
    /// Longest line accepted: generous over KSYM_NAME_LEN (512) for long file paths, far below corruption.
    static let maximumLineLength = 4096

    static let tag01 = Array("klp-convert-symbol-data.0.1".utf8)
    static let tag02 = Array("klp-convert-symbol-data.0.2".utf8)
    static let orderAttribute = "order=kallsyms"

    /// The whole file in one buffer.
    static func parse(_ raw: UnsafeRawBufferPointer, path: String, filter: NameFilter?)
        throws(DatabaseError) -> DatabaseContents
    {
        var scanner = Scanner(path: path, filter: filter, expectedBytes: raw.count)
        _ = try scanner.lines(raw, atEnd: true)
        return try scanner.finish()
    }

    /// The file piece by piece: `read` fills the buffer it is given after the bytes kept from the last piece and
    /// returns how many it added (0 at the end of the input). `expectedBytes` (the file's size, 0 when unknown)
    /// sizes the tables of a full load once instead of growing them.
    static func parse(
        path: String, filter: NameFilter?, expectedBytes: Int = 0, pieceSize: Int = 1 << 18,
        read: (UnsafeMutableRawBufferPointer) throws(DatabaseError) -> Int
    )
        throws(DatabaseError) -> DatabaseContents
    {
        var scanner = Scanner(path: path, filter: filter, expectedBytes: expectedBytes)
        var capacity = pieceSize
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var kept = 0
        var total = 0
        while true {
            let added = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[kept...]))
            total += added
            guard total <= Int(Int32.max) else { throw .symbolListTooLarge(path: path) }
            let used = kept + added
            let atEnd = added == 0
            let consumed = try scanner.lines(UnsafeRawBufferPointer(rebasing: buffer[..<used]), atEnd: atEnd)
            // The evidence block ends the symbol lines: the rest of the file is not read (as by the whole buffer).
            if atEnd || scanner.reachedEvidence { break }
            kept = used - consumed
            if consumed > 0 {
                // The unfinished last line moves to the front of the buffer for the next piece.
                if kept > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + consumed, byteCount: kept) }
            } else if kept == capacity {
                // One line longer than the buffer: grow it, so the line is judged whole (its length, a NUL in it).
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: kept)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
        }
        return try scanner.finish()
    }

    /// The parser's state between pieces. Lines are handled only when complete; bytes a later line needs from an
    /// earlier piece (the current `-<file>` marker, the previous symbol line) are copied out before the piece goes.
    struct Scanner {
        let path: String
        let filter: NameFilter?
        /// The filter's tables (valid while `filter` is held here): read per line without the reference counting
        /// a use of the class costs in a mutating method (a retain and a release per line, once a third of the
        /// scan of a name-sorted file).
        let wanted: UnsafeMutablePointer<klp_name_filter>?
        var contents: DatabaseContents
        private(set) var orderEvidence: DatabaseOrderReason? = nil
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
        /// A full load's symbol lines on their way into `contents.symbols` (a targeted load adds its few directly).
        var pending = PendingSymbols()
        /// A targeted load's name id (in `contents.symbols.names`) of each wanted name (by NameFilter.entry), -1
        /// until its first line is kept.
        var wantedNameIDs: [Int32]
        /// The `*` line of the evidence block (EvidenceFormat) was reached: it ends the symbol lines, and what
        /// follows is read only to show evidence.
        private(set) var reachedEvidence = false
        let evidenceObject = Array(EvidenceFormat.objectName.utf8)
        /// Where the line ends of the current piece are found (a buffer reused for every piece).
        let lineEnds = LineEnds()

        init(path: String, filter: NameFilter?, expectedBytes: Int) {
            self.path = path
            self.filter = filter
            wanted = filter?.tables
            wantedNameIDs = [Int32](repeating: -1, count: filter?.count ?? 0)
            // A full distribution database averages ~24 bytes per line; a targeted load keeps at most the names
            // it wants, in ~20 lines per name for a large patch: room for 32 each (never more than the file can
            // hold), so the record arrays are not copied as they grow (reserved memory costs only once written).
            let lines = max(expectedBytes, 1 << 16) / 24 + 16
            let expected = filter.map { min($0.count * 32, lines) + 64 } ?? lines
            let names = filter.map { $0.names.count + 16 }
            contents = DatabaseContents(symbols: SymbolRecords(expectedCount: expected, expectedNames: names))
            // Every load interns every object; distribution files have an object block per ~4 KB (a module's
            // symbols), so growing the table (a rehash of String keys each time) is avoided for them.
            contents.objects = ObjectList(expectedCount: min(expectedBytes / 3_000, 1 << 16) + 16)
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
            // One vectorised pass finds every line end and the first NUL; the line loop only compares offsets.
            let found = lineEnds.find(base, raw.count, closingLast: atEnd)
            let ends = lineEnds.offsets
            // Only complete lines: up to the last newline unless this is the end of the input.
            if found.lines == 0 && !atEnd { return 0 }
            let end = atEnd ? raw.count : Int(ends[found.lines - 1]) + 1
            let nulOffset = found.firstNul
            // Static lets are lazily initialised globals: read them once, not on every line.
            let ksymtabHead = SymbolListParser.ksymtabHead, ksymtabTail = SymbolListParser.ksymtabTail
            let exportHead = SymbolListParser.exportHead, exportTail = SymbolListParser.exportTail
            defer {
                // What later lines may still need from this piece is copied before the piece is reused.
                fileMarker.detach()
                previousLine.detach()
                pending.flush(into: &contents.symbols)
            }
            // The common line (a symbol of a known object, no CR, a sane length) takes the short path: compared
            // with the previous one while the order is undecided, then kept if wanted. Every other line (header,
            // `*` and `-` lines, errors) takes the full one.
            var plain = isPlainState
            // A targeted load with its order decided leaves the lines it only rejects to one C loop (no call and
            // no reference counting per line); it stops at every line that needs more, which is handled below.
            let unwanted = wanted
            var skipping = plain && unwanted != nil && orderEvidence != nil
            var skipped = klp_skipped_lines(entry: -1, marker: 0, file_marker: -1, file_marker_length: 0)
            var start = 0
            var index = 0
            while index < found.lines {
                if skipping, let unwanted {
                    let next = klp_skip_unwanted_lines(
                        base.assumingMemoryBound(to: UInt8.self), ends, index, found.lines, nulOffset,
                        maximumLineLength, unwanted, &skipped)
                    // The last `-<file>` line it passed over is the current one.
                    if skipped.file_marker >= 0 {
                        enterFile(base + skipped.file_marker, skipped.file_marker_length)
                    }
                    if next > index {
                        lineNumber += next - index
                        start = Int(ends[next - 1]) + 1
                        index = next
                        if index == found.lines { break }
                    }
                    if skipped.entry >= 0 {
                        // A valid line with a wanted name (the C loop judged it): kept as the short path keeps it.
                        let lineEnd = Int(ends[index])
                        index += 1
                        lineNumber += 1
                        let line = base + start
                        let length = lineEnd - start
                        start = lineEnd + 1
                        if skipped.marker > 0 {
                            contents.exports.add(line + skipped.marker, length - skipped.marker, owner: currentObject)
                        } else {
                            keepWanted(line, length, entry: skipped.entry)
                        }
                        continue
                    }
                }
                let lineEnd = Int(ends[index])
                index += 1
                lineNumber += 1
                if nulOffset < lineEnd { throw failure(lineNumber, .nulByte) }
                let length = lineEnd - start
                let line = base + start
                start = lineEnd + 1
                if plain && UInt(bitPattern: length &- 1) < UInt(maximumLineLength) {
                    let first = line.load(as: UInt8.self)
                    let last = line.load(fromByteOffset: length - 1, as: UInt8.self)
                    if first != UInt8(ascii: "*") && first != UInt8(ascii: "-") && last != 13 {
                        if orderEvidence == nil { compareWithPrevious(line, length) }
                        try keepSymbol(line, length, ksymtabHead, ksymtabTail, exportHead, exportTail)
                        skipping = unwanted != nil && orderEvidence != nil
                        continue
                    }
                }
                if try anyLine(line, length, ksymtabHead, ksymtabTail, exportHead, exportTail) {
                    return raw.count
                }
                plain = isPlainState
                skipping = plain && unwanted != nil && orderEvidence != nil
            }
            return end
        }

        /// Whether a symbol line needs only `compareWithPrevious` (while the order is undecided) and
        /// `keepSymbol`: past the header and inside an object block.
        private var isPlainState: Bool { lineNumber > 0 && currentObject >= 0 }

        /// While the order is undecided: a symbol line that sorts before the previous one of its block decides it
        /// (or, if only out of byte order, is the locale hint).
        @inline(__always)
        private mutating func compareWithPrevious(_ line: UnsafeRawPointer, _ length: Int) {
            if let previous = previousLine.bytes,
                SymbolListParser.compare(previous, previousLine.length, line, length) > 0
            {
                outOfOrder(previous, line, length)
            }
            previousLine.point(at: line, length)
        }

        private mutating func outOfOrder(_ previous: UnsafeRawPointer, _ line: UnsafeRawPointer, _ length: Int) {
            let object = contents.objects.names[Int(currentObject)]
            // `nm` under a locale other than C sorts by that locale's collation (en_US puts __ksymtab_x after
            // homo): out of byte order, but still name order, not kallsyms order.
            if SymbolListParser.collatedCompare(previous, previousLine.length, line, length) > 0 {
                orderEvidence = .unsortedObject(object: object, line: lineNumber)
            } else if collatedHint == nil {
                collatedHint = .localeSorted(object: object, line: lineNumber)
            }
        }

        /// Any line, with every check in the order the format's rules are applied (§1.1). Returns true at the
        /// evidence block, which ends the symbol lines.
        private mutating func anyLine(
            _ line: UnsafeRawPointer, _ length: Int,
            _ ksymtabHead: UInt64, _ ksymtabTail: UInt16, _ exportHead: UInt64, _ exportTail: UInt64
        ) throws(DatabaseError) -> Bool {
            if length > 0 && line.load(fromByteOffset: length - 1, as: UInt8.self) == 13 {
                throw failure(lineNumber, .crlfLineEnding)
            }
            if lineNumber == 1 {
                orderEvidence = try SymbolListParser.headerOrder(line, length, lineNumber: lineNumber, path: path)
                return false
            }
            if length == 0 { throw failure(lineNumber, .emptyLine) }
            // Kernel symbol names are at most KSYM_NAME_LEN - 1 (511) bytes; a much longer line is corruption.
            if length > maximumLineLength {
                throw failure(lineNumber, .lineTooLong(length: length, maximum: maximumLineLength))
            }

            switch line.load(as: UInt8.self) {
            case UInt8(ascii: "*"):
                if length == 1 { throw failure(lineNumber, .emptyObjectName) }
                if length - 1 == evidenceObject.count && memcmp(line + 1, evidenceObject, length - 1) == 0 {
                    reachedEvidence = true
                    return true
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
                enterFile(line, length)
                if orderEvidence == nil { orderEvidence = .fileMarker(line: lineNumber) }

            default:
                if currentObject < 0 {
                    throw failure(lineNumber, .symbolBeforeObject)
                }
                if orderEvidence == nil { compareWithPrevious(line, length) }
                try keepSymbol(line, length, ksymtabHead, ksymtabTail, exportHead, exportTail)
            }
            return false
        }

        /// A valid `-<file>` line (of 2 bytes or more) of the current object: the file of the symbol lines after it.
        private mutating func enterFile(_ line: UnsafeRawPointer, _ length: Int) {
            currentFile = -1
            // "-?" (written by build-db before a table's globals) means "file unknown".
            let unknown = length == 2 && line.load(fromByteOffset: 1, as: UInt8.self) == UInt8(ascii: "?")
            if unknown { fileMarker.clear() } else { fileMarker.point(at: line + 1, length - 1) }
        }

        /// A validated symbol line of the current object: an export marker, or a symbol kept when wanted.
        @inline(__always)
        private mutating func keepSymbol(
            _ line: UnsafeRawPointer, _ length: Int,
            _ ksymtabHead: UInt64, _ ksymtabTail: UInt16, _ exportHead: UInt64, _ exportTail: UInt64
        ) throws(DatabaseError) {
            let markerLength = SymbolListParser.exportMarkerPrefixLength(
                line, length, ksymtabHead, ksymtabTail, exportHead, exportTail)
            if markerLength > 0 {
                if markerLength == length {
                    throw failure(lineNumber, .exportMarkerWithoutName)
                }
                let exported = line + markerLength
                let exportedLength = length - markerLength
                if isWanted(exported, exportedLength) {
                    contents.exports.add(exported, exportedLength, owner: currentObject)
                }
            } else if let wanted {
                let entry = klp_name_filter_entry(wanted, line.assumingMemoryBound(to: UInt8.self), length)
                if entry >= 0 { keepWanted(line, length, entry: entry) }
            } else {
                pending.add(line, length, object: currentObject, file: keptLineFile(), line: Int32(lineNumber))
                if pending.isFull { pending.flush(into: &contents.symbols) }
            }
        }

        /// Whether a full load, or the filter of a targeted one, wants the name at `name[0..<length]`.
        @inline(__always)
        private func isWanted(_ name: UnsafeRawPointer, _ length: Int) -> Bool {
            guard let wanted else { return true }
            return klp_name_filter_entry(wanted, name.assumingMemoryBound(to: UInt8.self), length) >= 0
        }

        /// A symbol line of a targeted load with a wanted name (`entry`, its index in the filter). A targeted load
        /// keeps few lines, ~20 per wanted name: the index stands in for hashing the name again to intern it.
        @inline(__always)
        private mutating func keepWanted(_ line: UnsafeRawPointer, _ length: Int, entry: Int) {
            var id = wantedNameIDs[entry]
            if id < 0 {
                id = contents.symbols.names.intern(line, length)
                wantedNameIDs[entry] = id
            }
            contents.symbols.append(name: id, object: currentObject, file: keptLineFile(), line: Int32(lineNumber))
        }

        /// The file of a kept symbol line: the current `-<file>` marker's name, added to the file table by the first
        /// line kept after it (a targeted load keeps few, so most markers are never stored); -1 when unknown.
        @inline(__always)
        private mutating func keptLineFile() -> Int32 {
            if currentFile < 0, let marker = fileMarker.bytes {
                currentFile = contents.files.add(marker, fileMarker.length)
            }
            return currentFile
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

    /// Checks the format tag; returns the ordering evidence the header itself gives, if any.
    static func headerOrder(_ line: UnsafeRawPointer, _ length: Int, lineNumber: Int, path: String)
        throws(DatabaseError) -> DatabaseOrderReason?
    {
        let bytes = UnsafeRawBufferPointer(start: line, count: length)
        // v7 compares only the prefix: anything after the tag is attributes (DECISIONS 1: order=kallsyms).
        if bytes.starts(with: tag02) { return .formatVersion02 }
        guard bytes.starts(with: tag01) else {
            throw .format(path: path, line: lineNumber, .unknownHeader)
        }
        let attributes = String(decoding: bytes[tag01.count...], as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\t" })
        return attributes.contains(where: { $0 == orderAttribute }) ? .headerAttribute : nil
    }

    /// "__ksymtab_" as two loads, "__export_symbol_" as two 8-byte loads.
    static let ksymtabHead = word("__ksymta")
    static let ksymtabTail = UInt16(UInt8(ascii: "b")) | UInt16(UInt8(ascii: "_")) << 8
    static let exportHead = word("__export")
    static let exportTail = word("_symbol_")

    private static func word(_ text: StaticString) -> UInt64 {
        var value: UInt64 = 0
        text.withUTF8Buffer { utf8 in
            for (index, byte) in utf8.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        }
        return value
    }

    /// Length of a `__ksymtab_` (10) or `__export_symbol_` (16) prefix, or 0 when the line is a plain symbol.
    @inline(__always)
    static func exportMarkerPrefixLength(
        _ line: UnsafeRawPointer, _ length: Int,
        _ ksymtabHead: UInt64, _ ksymtabTail: UInt16, _ exportHead: UInt64, _ exportTail: UInt64
    ) -> Int {
        guard length >= 10 else { return 0 }
        // The constants are little-endian words: convert the loads so big-endian hosts agree.
        let head = UInt64(littleEndian: line.loadUnaligned(as: UInt64.self))
        if head == ksymtabHead
            && UInt16(littleEndian: line.loadUnaligned(fromByteOffset: 8, as: UInt16.self)) == ksymtabTail
        {
            return 10
        }
        if length >= 16 && head == exportHead
            && UInt64(littleEndian: line.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) == exportTail
        {
            return 16
        }
        return 0
    }

    /// Name order as glibc's locales collate at their first level (what `sort` and `nm` use under en_US.UTF-8
    /// and most others): punctuation ('_', '.', '$') ignored, ASCII letters without case; ties count as in
    /// order. Byte values of 0x80 and above compare as they are.
    static func collatedCompare(_ a: UnsafeRawPointer, _ aLength: Int, _ b: UnsafeRawPointer, _ bLength: Int)
        -> Int
    {
        func significant(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0x80
        }
        func folded(_ c: UInt8) -> Int { Int(c >= 0x41 && c <= 0x5a ? c + 0x20 : c) }
        var i = 0, j = 0
        while true {
            while i < aLength && !significant(a.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
            while j < bLength && !significant(b.load(fromByteOffset: j, as: UInt8.self)) { j += 1 }
            if i == aLength || j == bLength { return (i == aLength ? 0 : 1) - (j == bLength ? 0 : 1) }
            let x = folded(a.load(fromByteOffset: i, as: UInt8.self))
            let y = folded(b.load(fromByteOffset: j, as: UInt8.self))
            if x != y { return x - y }
            i += 1
            j += 1
        }
    }

    /// Byte-wise comparison (LC_COLLATE=C, as kbuild runs nm): <0, 0, >0.
    @inline(__always)
    static func compare(_ a: UnsafeRawPointer, _ aLength: Int, _ b: UnsafeRawPointer, _ bLength: Int) -> Int {
        let common = memcmp(a, b, min(aLength, bLength))
        if common != 0 { return Int(common) }
        return aLength - bLength
    }
}
