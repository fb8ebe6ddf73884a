#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reads an ET_REL object into the editable model. Every value that comes from the file is checked before it is
// used as an index, a size or an offset; a problem becomes an ELFError naming the section, symbol or byte offset.

extension ELFObject {
    /// Upper bound for sh_addralign: larger values are certainly corrupt and would make the writer pad absurdly.
    static let maximumAlignment: UInt64 = 1 << 20

    public static func read(path: String) throws -> ELFObject {
        let bytes = try FileIO.readAll(path: path)
        return try ELFObject(bytes: bytes, path: path)
    }

    public init(bytes: [UInt8], path: String) throws {
        let storage = bytes
        self = try storage.withUnsafeBytes { raw in
            try ELFParser(raw: raw, storage: storage, path: path, decoder: NameDecoder(fileSize: raw.count)).parse()
        }
    }
}

/// The section header fields as stored, before interpretation.
private struct RawSectionHeader {
    var name: UInt32
    var type: UInt32
    var flags: UInt64
    var address: UInt64
    var offset: UInt64
    var size: UInt64
    var link: UInt32
    var info: UInt32
    var alignment: UInt64
    var entrySize: UInt64
}

/// Decodes string-table names once per file offset, within a budget of decoded bytes. Without it, many names
/// starting at different places of one long run without NUL would each copy the rest of the run: a 2 MB file
/// could ask for tens of gigabytes (and as long in memchr). Real objects decode about as many name bytes as
/// their string tables hold (a little more with suffix sharing), far below the budget.
private final class NameDecoder {
    var cache: [Int: String] = [:]
    let budget: Int
    var remaining: Int
    init(fileSize: Int) {
        budget = 16 * fileSize + (1 << 20)
        remaining = budget
    }
}

private struct ELFParser {
    let raw: UnsafeRawBufferPointer
    let storage: [UInt8]
    let path: String
    let decoder: NameDecoder

    func fail(_ place: String?, _ message: String) -> ELFError {
        ELFError(path: path, place: place, message)
    }

    func parse() throws -> ELFObject {
        guard raw.count >= 16 else { throw fail(nil, "file is \(raw.count) bytes, too short for an ELF header") }
        guard raw[0] == 0x7f, raw[1] == 0x45, raw[2] == 0x4c, raw[3] == 0x46 else {
            throw fail(nil, "not an ELF file (bad magic)")
        }
        guard let elfClass = ELFClass(rawValue: raw[4]) else {
            throw fail("byte 4", "invalid ELF class \(raw[4])")
        }
        guard let order = ByteOrder(rawValue: raw[5]) else {
            throw fail("byte 5", "invalid ELF data encoding \(raw[5])")
        }
        guard raw[6] == 1 else { throw fail("byte 6", "unsupported ELF version \(raw[6])") }
        guard raw.count >= elfClass.fileHeaderSize else {
            throw fail(nil, "file is \(raw.count) bytes, too short for an ELF\(elfClass == .elf64 ? 64 : 32) header")
        }
        let r = RawReader(raw, order: order)
        let w = elfClass.wordSize
        let type = r.u16(16)
        let machine = r.u16(18)
        let version = r.u32(20)
        let entry = r.word(24, elfClass)
        let phoff = r.word(24 + w, elfClass)
        let shoff = r.word(24 + 2 * w, elfClass)
        let flags = r.u32(24 + 3 * w)
        let phnum = r.u16(24 + 3 * w + 8)
        let shentsize = r.u16(24 + 3 * w + 10)
        let shnum = r.u16(24 + 3 * w + 12)
        let shstrndx = r.u16(24 + 3 * w + 14)

        guard type == ELFFileType.rel else {
            throw fail("e_type", "not a relocatable object (e_type \(type), expected ET_REL 1): klp-convert works on the module before its final link, as kbuild's *.tmp.ko / .ko")
        }
        guard phnum == 0 else {
            throw fail("e_phnum", "a relocatable object with \(phnum) program headers (at \(phoff)) is not supported")
        }
        guard shoff != 0 else { throw fail("e_shoff", "no section header table") }
        guard shnum != 0 else {
            throw fail("e_shnum", "extended section numbering (e_shnum 0, more than 65279 sections) is not supported")
        }
        guard Int(shentsize) == elfClass.sectionHeaderSize else {
            throw fail("e_shentsize", "section header size \(shentsize), expected \(elfClass.sectionHeaderSize)")
        }
        let tableSize = UInt64(shnum) * UInt64(shentsize)
        guard r.contains(offset: shoff, length: tableSize) else {
            throw fail("e_shoff", "section header table (\(shnum) entries at offset \(shoff)) runs past the end of the file (\(raw.count) bytes)")
        }
        guard shstrndx != SpecialSection.xindex else {
            throw fail("e_shstrndx", "SHN_XINDEX section name table index is not supported")
        }
        guard shstrndx != 0, shstrndx < shnum else {
            throw fail("e_shstrndx", "section name table index \(shstrndx) is out of range (\(shnum) sections)")
        }

        let headers = readSectionHeaders(r, elfClass: elfClass, offset: Int(shoff), count: Int(shnum))
        try validateLayout(headers, headerSize: elfClass.fileHeaderSize, tableOffset: shoff, tableSize: tableSize)

        let shstr = headers[Int(shstrndx)]
        guard shstr.type == SectionType.strtab else {
            throw fail("e_shstrndx", "section \(shstrndx) is not a string table (type \(shstr.type)), so section names cannot be read")
        }

        // Names first: every later message can then name sections.
        var names: [String] = []
        names.reserveCapacity(headers.count)
        for (i, h) in headers.enumerated() {
            if i == 0 { names.append(""); continue }
            names.append(try string(in: shstr, at: h.name, what: "name of section \(i)", table: "section name table"))
        }
        func place(_ i: Int) -> String { "section [\(i)] '\(names[i])'" }

        var symtabIndex: Int?
        for (i, h) in headers.enumerated() where i > 0 {
            if h.type == SectionType.symtabShndx {
                throw fail(place(i), "SHT_SYMTAB_SHNDX (extended symbol section indices) is not supported")
            }
            if h.type == SectionType.symtab {
                if let first = symtabIndex {
                    throw fail(place(i), "a second symbol table (the first is section [\(first)]); a relocatable object has one")
                }
                symtabIndex = i
            }
            if h.link >= UInt32(shnum) {
                throw fail(place(i), "sh_link \(h.link) is out of range (\(shnum) sections)")
            }
        }

        // Symbols.
        var symbols: [Symbol] = []
        if let s = symtabIndex {
            symbols = try readSymbols(r, headers: headers, symtab: s, names: names, elfClass: elfClass)
        }
        let symbolCount = symbols.count + (symtabIndex == nil ? 0 : 1)

        // Sections.
        var sections: [Section] = []
        sections.reserveCapacity(headers.count - 1)
        for (i, h) in headers.enumerated() where i > 0 {
            let id = SectionID(i)
            var info = SectionInfo.raw(h.info)
            let content: SectionContent
            switch h.type {
            case SectionType.symtab:
                content = .symbolTable
                info = .firstNonLocal
            case SectionType.strtab:
                content = .stringTable(slice(h))
            case SectionType.nobits:
                content = .noBits(size: h.size)
            case SectionType.rel, SectionType.rela:
                let rela = h.type == SectionType.rela
                guard let s = symtabIndex, Int(h.link) == s else {
                    throw fail(place(i), "relocation section links to section [\(h.link)], which is not the symbol table")
                }
                if h.info != 0 {
                    guard h.info < UInt32(shnum) else {
                        throw fail(place(i), "sh_info \(h.info) (the section to relocate) is out of range (\(shnum) sections)")
                    }
                    guard Int(h.info) != i else {
                        throw fail(place(i), "relocation section applies to itself (sh_info \(h.info))")
                    }
                    info = .section(SectionID(Int(h.info)))
                }
                content = .relocations(
                    try readRelocations(r, header: h, rela: rela, elfClass: elfClass, symbolCount: symbolCount,
                                        place: place(i)),
                    rela: rela)
            case SectionType.group:
                guard let s = symtabIndex, Int(h.link) == s else {
                    throw fail(place(i), "group section links to section [\(h.link)], which is not the symbol table")
                }
                guard h.info > 0, Int(h.info) < symbolCount else {
                    throw fail(place(i), "group signature symbol index \(h.info) is out of range (\(symbolCount) symbols)")
                }
                info = .symbol(SymbolID(Int(h.info)))
                content = try readGroup(r, header: h, sectionCount: Int(shnum), place: place(i))
            default:
                content = .bytes(slice(h))
            }
            if !(h.type == SectionType.rel || h.type == SectionType.rela || h.type == SectionType.group),
               h.flags & SectionFlags.infoLink != 0 {
                guard h.info < UInt32(shnum), Int(h.info) != i else {
                    throw fail(place(i), "SHF_INFO_LINK section has sh_info \(h.info), not a valid section index")
                }
                info = h.info == 0 ? .raw(0) : .section(SectionID(Int(h.info)))
            }
            var section = Section(
                id: id, name: names[i], type: h.type, flags: h.flags, address: h.address,
                alignment: h.alignment, entrySize: h.entrySize,
                link: h.link == 0 ? nil : SectionID(Int(h.link)), info: info, content: content)
            section.originalName = (h.name, names[i])
            sections.append(section)
        }

        let header = ELFHeader(elfClass: elfClass, byteOrder: order, osABI: raw[7], abiVersion: raw[8],
                               type: type, machine: machine, version: version, entry: entry, flags: flags)
        return ELFObject(path: path, header: header, sections: sections, symbols: symbols,
                         symbolTable: symtabIndex.map { SectionID($0) },
                         sectionNameTable: SectionID(Int(shstrndx)))
    }

    private func readSectionHeaders(_ r: RawReader, elfClass: ELFClass, offset: Int, count: Int) -> [RawSectionHeader] {
        var result: [RawSectionHeader] = []
        result.reserveCapacity(count)
        let size = elfClass.sectionHeaderSize
        for i in 0..<count {
            let o = offset + i * size
            if elfClass == .elf64 {
                result.append(RawSectionHeader(
                    name: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), address: r.u64(o + 16),
                    offset: r.u64(o + 24), size: r.u64(o + 32), link: r.u32(o + 40), info: r.u32(o + 44),
                    alignment: r.u64(o + 48), entrySize: r.u64(o + 56)))
            } else {
                result.append(RawSectionHeader(
                    name: r.u32(o), type: r.u32(o + 4), flags: UInt64(r.u32(o + 8)), address: UInt64(r.u32(o + 12)),
                    offset: UInt64(r.u32(o + 16)), size: UInt64(r.u32(o + 20)), link: r.u32(o + 24),
                    info: r.u32(o + 28), alignment: UInt64(r.u32(o + 32)), entrySize: UInt64(r.u32(o + 36))))
            }
        }
        return result
    }

    /// Sections inside the file, sane alignments, and no two sections (or a section and a header) sharing bytes.
    private func validateLayout(_ headers: [RawSectionHeader], headerSize: Int, tableOffset: UInt64,
                                tableSize: UInt64) throws {
        var ranges: [(start: UInt64, end: UInt64, what: String)] = [
            (0, UInt64(headerSize), "the ELF header"),
            (tableOffset, tableOffset + tableSize, "the section header table"),
        ]
        for (i, h) in headers.enumerated() where i > 0 {
            let what = "section [\(i)]"
            if h.alignment > 1 {
                guard h.alignment & (h.alignment - 1) == 0 else {
                    throw fail(what, "alignment \(h.alignment) is not a power of two")
                }
                guard h.alignment <= ELFObject.maximumAlignment else {
                    throw fail(what, "alignment \(h.alignment) is larger than \(ELFObject.maximumAlignment)")
                }
            }
            // SHT_NULL past index 0 is still read as bytes (kept through a round trip), so it is checked too.
            if h.type == SectionType.nobits { continue }
            // Empty sections too: their offset is still converted to an index.
            guard h.size != 0 else {
                guard h.offset <= UInt64(raw.count) else {
                    throw fail(what, "offset \(h.offset) of an empty section is past the end of the file (\(raw.count) bytes)")
                }
                continue
            }
            guard r(contains: h.offset, h.size) else {
                throw fail(what, "contents (offset \(h.offset), size \(h.size)) run past the end of the file (\(raw.count) bytes)")
            }
            ranges.append((h.offset, h.offset + h.size, what))
        }
        ranges.sort { $0.start < $1.start }
        for k in ranges.indices.dropFirst() where ranges[k].start < ranges[k - 1].end {
            throw fail(ranges[k].what, "overlaps \(ranges[k - 1].what) (bytes \(ranges[k].start)..<\(ranges[k - 1].end))")
        }
    }

    private func r(contains offset: UInt64, _ length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(raw.count)
    }

    private func slice(_ h: RawSectionHeader) -> ArraySlice<UInt8> {
        if h.size == 0 { return [] }
        let start = Int(h.offset)
        return storage[start..<(start + Int(h.size))]
    }

    /// A NUL-terminated string of a string table section.
    private func string(in table: RawSectionHeader, at offset: UInt32, what: String, table tableName: String) throws -> String {
        guard UInt64(offset) < table.size else {
            if offset == 0 && table.size == 0 { return "" }
            throw fail(what, "offset \(offset) is past the end of the \(tableName) (\(table.size) bytes)")
        }
        let start = Int(table.offset) + Int(offset)
        if let known = decoder.cache[start] { return known }
        let end = Int(table.offset) + Int(table.size)
        guard let base = raw.baseAddress else { return "" }
        guard let nul = memchr(base + start, 0, end - start) else {
            throw fail(what, "string at offset \(offset) of the \(tableName) is not NUL-terminated")
        }
        let length = base.distance(to: UnsafeRawPointer(nul)) - start
        guard length <= decoder.remaining else {
            throw fail(what, "names overlapping in the \(tableName) decode to more than \(decoder.budget) bytes (16 times the file size): the string table is corrupt")
        }
        decoder.remaining -= length
        let name = String(decoding: UnsafeRawBufferPointer(start: base + start, count: length), as: UTF8.self)
        decoder.cache[start] = name
        return name
    }

    private func readSymbols(_ r: RawReader, headers: [RawSectionHeader], symtab: Int, names: [String],
                             elfClass: ELFClass) throws -> [Symbol] {
        let h = headers[symtab]
        let place = "section [\(symtab)] '\(names[symtab])'"
        let size = elfClass.symbolSize
        guard h.entrySize == UInt64(size) else {
            throw fail(place, "symbol table entry size \(h.entrySize), expected \(size)")
        }
        guard h.size % UInt64(size) == 0 else {
            throw fail(place, "symbol table size \(h.size) is not a multiple of \(size)")
        }
        guard h.link != 0, headers[Int(h.link)].type == SectionType.strtab else {
            throw fail(place, "symbol table links to section [\(h.link)], which is not a string table")
        }
        let strtab = headers[Int(h.link)]
        let count = Int(h.size) / size
        let sectionCount = headers.count
        var symbols: [Symbol] = []
        symbols.reserveCapacity(max(count - 1, 0))
        for i in 1..<max(count, 1) {
            let o = Int(h.offset) + i * size
            let nameOffset: UInt32, info: UInt8, other: UInt8, shndx: UInt16, value: UInt64, symSize: UInt64
            if elfClass == .elf64 {
                nameOffset = r.u32(o); info = r.u8(o + 4); other = r.u8(o + 5); shndx = r.u16(o + 6)
                value = r.u64(o + 8); symSize = r.u64(o + 16)
            } else {
                nameOffset = r.u32(o); value = UInt64(r.u32(o + 4)); symSize = UInt64(r.u32(o + 8))
                info = r.u8(o + 12); other = r.u8(o + 13); shndx = r.u16(o + 14)
            }
            let name = try string(in: strtab, at: nameOffset, what: "symbol \(i)", table: "symbol string table")
            let section: SymbolSection
            switch shndx {
            case SpecialSection.undef: section = .undefined
            case SpecialSection.abs: section = .absolute
            case SpecialSection.common: section = .common
            case SpecialSection.livepatch: section = .livepatch
            case SpecialSection.xindex:
                throw fail("symbol \(i) '\(name)'", "SHN_XINDEX section index is not supported")
            case 1..<SpecialSection.loReserve:
                guard Int(shndx) < sectionCount else {
                    throw fail("symbol \(i) '\(name)'", "section index \(shndx) is out of range (\(sectionCount) sections)")
                }
                section = .section(SectionID(Int(shndx)))
            default: section = .reserved(shndx)
            }
            var symbol = Symbol(id: SymbolID(i), name: name, binding: info >> 4, type: info & 0xf, other: other,
                                section: section, value: value, size: symSize)
            symbol.originalName = (nameOffset, name)
            symbols.append(symbol)
        }
        return symbols
    }

    private func readRelocations(_ r: RawReader, header h: RawSectionHeader, rela: Bool, elfClass: ELFClass,
                                 symbolCount: Int, place: String) throws -> [Relocation] {
        let size = elfClass.relocationSize(rela: rela)
        guard h.entrySize == UInt64(size) else {
            throw fail(place, "relocation entry size \(h.entrySize), expected \(size)")
        }
        guard h.size % UInt64(size) == 0 else {
            throw fail(place, "relocation section size \(h.size) is not a multiple of \(size)")
        }
        let count = Int(h.size) / size
        var result: [Relocation] = []
        result.reserveCapacity(count)
        let base = Int(h.offset)
        for k in 0..<count {
            let o = base + k * size
            let offset: UInt64, sym: Int, type: UInt32, addend: Int64
            if elfClass == .elf64 {
                offset = r.u64(o)
                let info = r.u64(o + 8)
                sym = Int(info >> 32)
                type = UInt32(truncatingIfNeeded: info)
                addend = rela ? Int64(bitPattern: r.u64(o + 16)) : 0
            } else {
                offset = UInt64(r.u32(o))
                let info = r.u32(o + 4)
                sym = Int(info >> 8)
                type = info & 0xff
                addend = rela ? Int64(Int32(bitPattern: r.u32(o + 8))) : 0
            }
            guard sym < symbolCount else {
                throw fail(place, "relocation \(k) (offset 0x\(String(offset, radix: 16))) uses symbol index \(sym), past the symbol table (\(symbolCount) symbols)")
            }
            result.append(Relocation(offset: offset, symbol: sym == 0 ? nil : SymbolID(sym), type: type, addend: addend))
        }
        return result
    }

    private func readGroup(_ r: RawReader, header h: RawSectionHeader, sectionCount: Int, place: String) throws -> SectionContent {
        guard h.size >= 4, h.size % 4 == 0 else {
            throw fail(place, "group section size \(h.size) is not a non-zero multiple of 4")
        }
        let base = Int(h.offset)
        let flags = r.u32(base)
        var members: [SectionID] = []
        for k in 1..<(Int(h.size) / 4) {
            let m = r.u32(base + 4 * k)
            guard m != 0, m < UInt32(sectionCount) else {
                throw fail(place, "group member \(k) is section index \(m), out of range (\(sectionCount) sections)")
            }
            members.append(SectionID(Int(m)))
        }
        return .group(flags: flags, members: members)
    }
}
