#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the bytes of a symbols.klp file (§1.1 of the reference, plus the `-<file>` markers of DECISIONS 1) in one
/// pass: memchr finds each newline, and a line becomes a String only for object names and the header.
/// With a `NameFilter`, every line is still validated but only wanted names are stored.
enum SymbolListParser {
    /// Longest line accepted: generous over KSYM_NAME_LEN (512) for long file paths, far below corruption.
    static let maximumLineLength = 4096

    static let tag01 = Array("klp-convert-symbol-data.0.1".utf8)
    static let tag02 = Array("klp-convert-symbol-data.0.2".utf8)
    static let orderAttribute = "order=kallsyms"

    static func parse(_ raw: UnsafeRawBufferPointer, path: String, filter: NameFilter?)
        throws(DatabaseError) -> DatabaseContents
    {
        func failure(_ line: Int, _ problem: DatabaseError.FormatProblem) -> DatabaseError {
            .format(path: path, line: line, problem)
        }
        guard let base = raw.baseAddress, raw.count > 0 else {
            throw .emptySymbolList(path: path)
        }
        let end = raw.count
        guard end <= Int(Int32.max) else {
            throw .symbolListTooLarge(path: path)
        }
        // One memchr over the whole buffer finds the first NUL; the line loop only compares offsets.
        let nulOffset = memchr(base, 0, end).map { UnsafeRawPointer($0) - base } ?? end

        // A full distribution database averages ~24 bytes per line.
        let expected = filter == nil ? end / 24 + 16 : 64
        var contents = DatabaseContents(symbols: SymbolRecords(expectedCount: expected))
        var orderEvidence: DatabaseOrderReason? = nil

        var start = 0
        var lineNumber = 0
        var currentObject: Int32 = -1
        // The current `-<file>` marker: interned only when a kept symbol needs it (a targeted load keeps few).
        var currentFile: Int32 = -1
        var currentFileStart = -1
        var currentFileLength = 0
        // Static lets are lazily initialised globals: read them once, not on every line.
        let ksymtabHead = Self.ksymtabHead, ksymtabTail = Self.ksymtabTail
        let exportHead = Self.exportHead, exportTail = Self.exportTail
        let evidenceObject = Array(EvidenceFormat.objectName.utf8)
        // The previous symbol line of the current block, to notice a block that is not in name order.
        var previousStart = -1
        var previousLength = 0
        // The first line out of byte order but in a locale's name order (see collatedCompare), for the reason.
        var collatedHint: DatabaseOrderReason? = nil
        var pending = PendingSymbols()

        lines: while start < end {
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
                orderEvidence = try headerOrder(line, length, lineNumber: lineNumber, path: path)
                continue
            }
            if length == 0 { throw failure(lineNumber, .emptyLine) }
            // Kernel symbol names are at most KSYM_NAME_LEN - 1 (511) bytes; a much longer line is corruption.
            if length > maximumLineLength {
                throw failure(lineNumber, .lineTooLong(length: length, maximum: maximumLineLength))
            }

            switch line.load(as: UInt8.self) {
            case UInt8(ascii: "*"):
                if length == 1 { throw failure(lineNumber, .emptyObjectName) }
                // The evidence block (EvidenceFormat) ends the symbol lines; it is read only to show evidence.
                if length - 1 == evidenceObject.count && memcmp(line + 1, evidenceObject, length - 1) == 0 {
                    break lines
                }
                let name = String(decoding: UnsafeRawBufferPointer(start: line + 1, count: length - 1), as: UTF8.self)
                currentObject = contents.objects.intern(KLPNames.normalizeObject(name))
                currentFile = -1
                currentFileStart = -1
                previousStart = -1

            case UInt8(ascii: "-"):
                if currentObject < 0 {
                    throw failure(lineNumber, .fileMarkerBeforeObject)
                }
                if length == 1 { throw failure(lineNumber, .emptyFileName) }
                currentFile = -1
                // "-?" (written by build-db before a table's globals) means "file unknown".
                let unknown = length == 2 && line.load(fromByteOffset: 1, as: UInt8.self) == UInt8(ascii: "?")
                currentFileStart = unknown ? -1 : start + 1
                currentFileLength = unknown ? 0 : length - 1
                if orderEvidence == nil { orderEvidence = .fileMarker(line: lineNumber) }

            default:
                if currentObject < 0 {
                    throw failure(lineNumber, .symbolBeforeObject)
                }
                if orderEvidence == nil {
                    if previousStart >= 0 && compare(base + previousStart, previousLength, line, length) > 0 {
                        let object = contents.objects.names[Int(currentObject)]
                        // `nm` under a locale other than C sorts by that locale's collation (en_US puts
                        // __ksymtab_x after homo): out of byte order, but still name order, not kallsyms order.
                        if collatedCompare(base + previousStart, previousLength, line, length) > 0 {
                            orderEvidence = .unsortedObject(object: object, line: lineNumber)
                        } else if collatedHint == nil {
                            collatedHint = .localeSorted(object: object, line: lineNumber)
                        }
                    }
                    previousStart = start
                    previousLength = length
                }
                let markerLength = exportMarkerPrefixLength(
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
                    if currentFile < 0 && currentFileStart >= 0 {
                        currentFile = contents.files.intern(base + currentFileStart, currentFileLength)
                    }
                    pending.add(line, length, object: currentObject, file: currentFile, line: Int32(lineNumber))
                    if pending.isFull { pending.flush(into: &contents.symbols) }
                }
            }
        }
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

    /// Checks the format tag; returns the ordering evidence the header itself gives, if any.
    private static func headerOrder(_ line: UnsafeRawPointer, _ length: Int, lineNumber: Int, path: String)
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
    private static let ksymtabHead = word("__ksymta")
    private static let ksymtabTail = UInt16(UInt8(ascii: "b")) | UInt16(UInt8(ascii: "_")) << 8
    private static let exportHead = word("__export")
    private static let exportTail = word("_symbol_")

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

    /// Byte-wise comparison (LC_COLLATE=C, as kbuild runs nm): <0, 0, >0.
    @inline(__always)
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

    static func compare(_ a: UnsafeRawPointer, _ aLength: Int, _ b: UnsafeRawPointer, _ bLength: Int) -> Int {
        let common = memcmp(a, b, min(aLength, bLength))
        if common != 0 { return Int(common) }
        return aLength - bLength
    }
}
