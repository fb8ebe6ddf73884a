#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The one ELF reader. It checks e_ident and the file header, reads the section header table and the section
// names through the codec, and decodes symbol tables and string table names; its two entry points build on it:
// `ELFObject(bytes:path:)`, the editable model of an ET_REL object, and `SymbolTableScan`, the symbols of any
// ELF file (vmlinux, modules) for the database builder. Every value from the file is checked before it is used
// as an index, a size or an offset.

struct ELFFileReader {
    /// What the caller will do with the file; the editable model needs more than a symbol scan.
    enum Purpose {
        /// ET_REL only, no program headers, sections that do not overlap and have sane alignments.
        case editableObject
        /// Any file type; only the section headers and the symbol table must be sound.
        case symbolScan
    }

    let raw: UnsafeRawBufferPointer
    let path: String
    let reader: RawReader
    let codec: RecordCodec
    let header: FileHeaderRecord
    /// Every section header, the null one at index 0 included, so `sections[i]` is ELF index i.
    let sections: [SectionHeaderRecord]
    /// The decoded sh_name of every section ("" for index 0).
    let names: [String]
    private let decoder: NameDecoder

    init(raw: UnsafeRawBufferPointer, path: String, purpose: Purpose) throws(ELFError) {
        self.raw = raw
        self.path = path
        guard raw.count >= FileHeaderLayout.identSize else {
            throw .file(path: path, message: "file is \(raw.count) bytes, too short for an ELF header")
        }
        guard FileHeaderLayout.magic.indices.allSatisfy({ raw[$0] == FileHeaderLayout.magic[$0] }) else {
            throw .file(path: path, message: "not an ELF file (bad magic)")
        }
        let classByte = raw[FileHeaderLayout.identClass]
        guard let elfClass = ELFClass(rawValue: classByte) else {
            throw .identification(
                path: path, byte: FileHeaderLayout.identClass,
                message: "invalid ELF class \(classByte)")
        }
        let dataByte = raw[FileHeaderLayout.identData]
        guard let order = ByteOrder(rawValue: dataByte) else {
            throw .identification(
                path: path, byte: FileHeaderLayout.identData,
                message: "invalid ELF data encoding \(dataByte)")
        }
        let versionByte = raw[FileHeaderLayout.identVersion]
        guard versionByte == 1 else {
            throw .identification(
                path: path, byte: FileHeaderLayout.identVersion,
                message: "unsupported ELF version \(versionByte)")
        }
        let codec = RecordCodec(elfClass, order)
        guard raw.count >= codec.layout.fileHeader.size else {
            throw .file(
                path: path,
                message:
                    "file is \(raw.count) bytes, too short for an ELF\(elfClass == .elf64 ? 64 : 32) header")
        }
        let reader = RawReader(raw, order: order)
        let h = codec.fileHeader(reader)
        self.reader = reader
        self.codec = codec
        header = h

        if purpose == .editableObject {
            guard h.type == .rel else {
                throw .headerField(
                    path: path, field: "e_type",
                    message:
                        "not a relocatable object (e_type \(h.type.rawValue) = \(h.type), expected ET_REL = 1): klp-convert works on the module before its final link, as kbuild's *.tmp.ko / .ko"
                )
            }
            guard h.phnum == 0 else {
                throw .headerField(
                    path: path, field: "e_phnum",
                    message:
                        "a relocatable object with \(h.phnum) program headers (at \(h.phoff)) is not supported")
            }
        }
        guard h.shoff != 0 else { throw .headerField(path: path, field: "e_shoff", message: "no section header table") }
        guard h.shnum != 0 else {
            throw .headerField(
                path: path, field: "e_shnum",
                message:
                    "extended section numbering (e_shnum 0, more than 65279 sections) is not supported")
        }
        let entrySize = codec.layout.sectionHeader.size
        guard Int(h.shentsize) == entrySize else {
            throw .headerField(
                path: path, field: "e_shentsize",
                message:
                    "section header size \(h.shentsize), expected \(entrySize)")
        }
        let tableSize = UInt64(h.shnum) * UInt64(h.shentsize)
        guard reader.contains(offset: h.shoff, length: tableSize) else {
            throw .headerField(
                path: path, field: "e_shoff",
                message:
                    "section header table (\(h.shnum) entries at offset \(h.shoff)) runs past the end of the file (\(raw.count) bytes)"
            )
        }
        guard SectionIndex(h.shstrndx) != .xindex else {
            throw .headerField(
                path: path, field: "e_shstrndx",
                message:
                    "SHN_XINDEX section name table index is not supported")
        }
        guard h.shstrndx != 0, h.shstrndx < h.shnum else {
            throw .headerField(
                path: path, field: "e_shstrndx",
                message:
                    "section name table index \(h.shstrndx) is out of range (\(h.shnum) sections)")
        }

        var sections: [SectionHeaderRecord] = []
        sections.reserveCapacity(Int(h.shnum))
        for i in 0..<Int(h.shnum) {
            sections.append(codec.sectionHeader(reader, at: Int(h.shoff) + i * entrySize))
        }
        self.sections = sections
        let decoder = NameDecoder(fileSize: raw.count, caching: purpose == .editableObject)
        self.decoder = decoder
        if purpose == .editableObject {
            try Self.validateLayout(
                sections, raw: raw, path: path, headerSize: codec.layout.fileHeader.size,
                tableOffset: h.shoff, tableSize: tableSize)
        } else {
            for (i, s) in sections.enumerated() where i > 0 && s.type != .nobits && s.size > 0 {
                try Self.checkContents(i, s, fileSize: raw.count, path: path)
            }
        }

        let nameTable = sections[Int(h.shstrndx)]
        guard nameTable.type == .strtab else {
            throw .headerField(
                path: path, field: "e_shstrndx",
                message:
                    "section \(h.shstrndx) is not a string table (type \(nameTable.type)), so section names cannot be read"
            )
        }
        // Names first: every later message can then name sections.
        var names: [String] = []
        names.reserveCapacity(sections.count)
        for (i, s) in sections.enumerated() {
            if i == 0 {
                names.append("")
                continue
            }
            names.append(
                try Self.string(raw, decoder, in: nameTable, at: s.name, table: "section name table") {
                    m throws(ELFError) in throw .sectionName(path: path, index: i, message: m)
                })
        }
        self.names = names
    }

    func sectionError(_ i: Int, _ message: String) -> ELFError {
        .section(path: path, index: i, name: names.indices.contains(i) ? names[i] : nil, message: message)
    }

    /// Sections inside the file, sane alignments, and no two sections (or a section and a header) sharing bytes.
    /// Section `i`'s contents lie inside the file (both entry points check this; the editable one checks more).
    private static func checkContents(_ i: Int, _ h: SectionHeaderRecord, fileSize: Int, path: String)
        throws(ELFError)
    {
        guard RawReader.contains(offset: h.offset, length: h.size, in: fileSize) else {
            throw .section(
                path: path, index: i, name: nil,
                message:
                    "contents (offset \(h.offset), size \(h.size)) run past the end of the file (\(fileSize) bytes)")
        }
    }

    private static func validateLayout(
        _ sections: [SectionHeaderRecord], raw: UnsafeRawBufferPointer, path: String,
        headerSize: Int, tableOffset: UInt64, tableSize: UInt64
    ) throws(ELFError) {
        // What each range is, as a number (a section's index, or one of the two headers below) until a message
        // needs its name: formatting one name per section cost more than the check itself.
        let elfHeader = -1
        let sectionHeaderTable = -2
        func what(_ index: Int) -> String {
            switch index {
            case elfHeader: return "the ELF header"
            case sectionHeaderTable: return "the section header table"
            default: return "section [\(index)]"
            }
        }
        var ranges: [(start: UInt64, end: UInt64, index: Int)] = [
            (0, UInt64(headerSize), elfHeader),
            (tableOffset, tableOffset + tableSize, sectionHeaderTable),
        ]
        ranges.reserveCapacity(sections.count + 2)
        func fail(_ i: Int, _ message: String) -> ELFError {
            .section(path: path, index: i, name: nil, message: message)
        }
        for (i, h) in sections.enumerated() where i > 0 {
            if h.alignment > 1 {
                guard h.alignment & (h.alignment - 1) == 0 else {
                    throw fail(i, "alignment \(h.alignment) is not a power of two")
                }
                guard h.alignment <= ELFObject.maximumAlignment else {
                    throw fail(i, "alignment \(h.alignment) is larger than \(ELFObject.maximumAlignment)")
                }
            }
            // SHT_NULL past index 0 is still read as bytes (kept through a round trip), so it is checked too.
            if h.type == .nobits { continue }
            // Empty sections too: their offset is still converted to an index.
            guard h.size != 0 else {
                guard h.offset <= UInt64(raw.count) else {
                    throw fail(
                        i, "offset \(h.offset) of an empty section is past the end of the file (\(raw.count) bytes)")
                }
                continue
            }
            try checkContents(i, h, fileSize: raw.count, path: path)
            ranges.append((h.offset, h.offset + h.size, i))
        }
        ranges.sort { $0.start < $1.start }
        for k in ranges.indices.dropFirst() where ranges[k].start < ranges[k - 1].end {
            let message = "overlaps \(what(ranges[k - 1].index)) (bytes \(ranges[k].start)..<\(ranges[k - 1].end))"
            guard ranges[k].index >= 0 else {
                throw .headerField(path: path, field: what(ranges[k].index), message: message)
            }
            throw fail(ranges[k].index, message)
        }
    }

    /// The bytes of section `h`; its contents were checked against the file size.
    func contents(_ h: SectionHeaderRecord) -> UnsafeRawBufferPointer {
        if h.size == 0 || h.type == .nobits { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: raw[Int(h.offset)..<Int(h.offset + h.size)])
    }

    // MARK: - Symbol tables

    /// Checks symbol table `index` (entry size, size, link to a string table) and returns the string table.
    func checkSymbolTable(_ index: Int) throws(ELFError) -> SectionHeaderRecord {
        let h = sections[index]
        let size = codec.layout.symbol.size
        guard h.entrySize == UInt64(size) else {
            throw sectionError(index, "symbol table entry size \(h.entrySize), expected \(size)")
        }
        guard h.size % UInt64(size) == 0 else {
            throw sectionError(index, "symbol table size \(h.size) is not a multiple of \(size)")
        }
        guard h.link != 0, Int(h.link) < sections.count, sections[Int(h.link)].type == .strtab else {
            throw sectionError(index, "symbol table links to section [\(h.link)], which is not a string table")
        }
        return sections[Int(h.link)]
    }

    /// Number of entries of symbol table `index`, the null entry included.
    func symbolCount(of index: Int) -> Int { Int(sections[index].size) / codec.layout.symbol.size }

    /// Calls `body` with the index, record and decoded name of entries 1..<count of symbol table `index`
    /// (checked by `checkSymbolTable`), in table order: each entry is decoded and handed over before the next
    /// is read, so the first problem of the table is the one reported, and no intermediate array is built.
    func forEachSymbol(
        of index: Int, strings: SectionHeaderRecord,
        _ body: (Int, SymbolRecord, String) throws(ELFError) -> Void
    ) throws(ELFError) {
        let h = sections[index]
        let count = symbolCount(of: index)
        guard count > 1 else { return }
        // Every name is cached once (its offset is new): room for them at once, not by doubling.
        if decoder.caching { decoder.cache.reserveCapacity(decoder.cache.count + count) }
        // Locals, not `self`: a closure or call that captured this struct would copy it (and retain every array
        // in it) once per symbol, which showed in the database builder's profile.
        let layout = codec.layout.symbol, reader = self.reader, raw = self.raw, decoder = self.decoder
        let path = self.path
        for i in 1..<count {
            let record = layout.decode(reader, at: Int(h.offset) + i * layout.size)
            let name = try Self.string(raw, decoder, in: strings, at: record.name, table: "symbol string table") {
                m throws(ELFError) in throw .symbol(path: path, index: i, name: nil, message: m)
            }
            try body(i, record, name)
        }
    }

    /// Entries 1..<count of symbol table `index` with their decoded names.
    func symbols(of index: Int, strings: SectionHeaderRecord) throws(ELFError)
        -> [(record: SymbolRecord, name: String)]
    {
        var result: [(record: SymbolRecord, name: String)] = []
        result.reserveCapacity(max(symbolCount(of: index) - 1, 0))
        try forEachSymbol(of: index, strings: strings) { _, record, name in result.append((record, name)) }
        return result
    }

    // MARK: - Names

    /// A NUL-terminated string of a string table section; `fail` turns a problem into the caller's error.
    private static func string(
        _ raw: UnsafeRawBufferPointer, _ decoder: NameDecoder, in table: SectionHeaderRecord,
        at offset: UInt32, table tableName: String,
        fail: (String) throws(ELFError) -> Never
    ) throws(ELFError) -> String {
        guard UInt64(offset) < table.size else {
            if offset == 0 && table.size == 0 { return "" }
            try fail("offset \(offset) is past the end of the \(tableName) (\(table.size) bytes)")
        }
        let start = Int(table.offset) + Int(offset)
        if decoder.caching, let known = decoder.cache[start] { return known }
        let end = Int(table.offset) + Int(table.size)
        guard let base = raw.baseAddress else { return "" }
        guard let nul = memchr(base + start, 0, end - start) else {
            try fail("string at offset \(offset) of the \(tableName) is not NUL-terminated")
        }
        let length = base.distance(to: UnsafeRawPointer(nul)) - start
        guard length <= decoder.remaining else {
            try fail(
                "names overlapping in the \(tableName) decode to more than \(decoder.budget) bytes (16 times the file size): the string table is corrupt"
            )
        }
        decoder.remaining -= length
        let name = String(decoding: UnsafeRawBufferPointer(start: base + start, count: length), as: UTF8.self)
        if decoder.caching { decoder.cache[start] = name }
        return name
    }
}

/// Decodes string-table names within a budget of decoded bytes. Without it, many names starting at different
/// places of one long run without NUL would each copy the rest of the run: a 2 MB file could ask for tens of
/// gigabytes (and as long in memchr). Real objects decode about as many name bytes as their string tables hold
/// (a little more with suffix sharing), far below the budget. The editable reader also caches names per file
/// offset (a repeated offset is then free); the symbol scan does not, as before: a repeated offset counts against
/// the budget again, and thousands of modules do not pay for the dictionary.
private final class NameDecoder {
    var cache: [Int: String] = [:]
    let caching: Bool
    let budget: Int
    var remaining: Int

    init(fileSize: Int, caching: Bool) {
        self.caching = caching
        budget = 16 * fileSize + (1 << 20)
        remaining = budget
    }
}
