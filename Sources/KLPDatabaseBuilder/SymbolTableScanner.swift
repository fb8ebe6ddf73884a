#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KLPEngine

/// A read-only view of an ELF file's section headers and its `.symtab`, for the database builder.
///
/// Why not `ELFObject`: the builder reads vmlinux (ET_EXEC), which the editable model refuses, and it reads
/// thousands of modules whose relocations it never needs. This scanner decodes only what kallsyms depends on,
/// checking every offset before use, and works on any ELF type, class and byte order.
struct SymbolTableScan {
    struct SectionHeader {
        var name: String
        var type: UInt32
        var flags: UInt64
        var offset: UInt64
        var size: UInt64
    }

    struct Entry {
        var name: String
        var binding: UInt8
        var type: UInt8
        var shndx: UInt16
        var value: UInt64
    }

    let path: String
    let fileType: UInt16
    /// All section headers, index 0 (the null section) included, so `sections[shndx]` is the ELF meaning.
    let sections: [SectionHeader]
    /// Symbol table entries 1..<count in table order (the null entry is left out).
    let symbols: [Entry]
    /// A copy of the `.modinfo` contents, when the file has them (debug-only module files have NOBITS there).
    let modinfo: [UInt8]?

    func sectionIndex(named name: String) -> Int? {
        sections.indices.dropFirst().first { sections[$0].name == name }
    }

    /// Scans the file's bytes; nothing of `raw` is kept, so it may be a mapping that is unmapped afterwards.
    init(raw: UnsafeRawBufferPointer, path: String) throws(ELFError) {
        self.path = path
        let (fileType, sections, symbols) = try SymbolTableScan.scan(raw, path: path)
        self.fileType = fileType
        self.sections = sections
        self.symbols = symbols
        let info = sections.indices.dropFirst().first { sections[$0].name == ".modinfo" }
        if let info, sections[info].type != SectionType.nobits, sections[info].size > 0 {
            // In bounds: scan() checked every section's contents against the file size.
            let start = Int(sections[info].offset)
            modinfo = Array(raw[start..<(start + Int(sections[info].size))])
        } else {
            modinfo = nil
        }
    }

    private static func scan(_ raw: UnsafeRawBufferPointer, path: String) throws(ELFError)
        -> (UInt16, [SectionHeader], [Entry])
    {
        func fail(_ place: String?, _ message: String) -> ELFError { ELFError(path: path, place: place, message) }
        guard raw.count >= 16, raw[0] == 0x7f, raw[1] == 0x45, raw[2] == 0x4c, raw[3] == 0x46 else {
            throw fail(nil, "not an ELF file (bad magic or too short)")
        }
        guard let elfClass = ELFClass(rawValue: raw[4]) else { throw fail("byte 4", "invalid ELF class \(raw[4])") }
        guard let order = ByteOrder(rawValue: raw[5]) else {
            throw fail("byte 5", "invalid ELF data encoding \(raw[5])")
        }
        guard raw.count >= elfClass.fileHeaderSize else { throw fail(nil, "file too short for an ELF header") }
        let r = RawReader(raw, order: order)
        let w = elfClass.wordSize
        let fileType = r.u16(16)
        let shoff = r.word(24 + 2 * w, elfClass)
        let shentsize = r.u16(24 + 3 * w + 10)
        let shnum = Int(r.u16(24 + 3 * w + 12))
        let shstrndx = Int(r.u16(24 + 3 * w + 14))
        guard shoff != 0, shnum > 0 else { throw fail("e_shoff", "no section header table") }
        guard Int(shentsize) == elfClass.sectionHeaderSize else {
            throw fail("e_shentsize", "section header size \(shentsize), expected \(elfClass.sectionHeaderSize)")
        }
        guard r.contains(offset: shoff, length: UInt64(shnum) * UInt64(shentsize)) else {
            throw fail("e_shoff", "section header table (\(shnum) entries at \(shoff)) runs past the end of the file")
        }
        guard shstrndx > 0, shstrndx < shnum else {
            throw fail("e_shstrndx", "section name table index \(shstrndx) is out of range (\(shnum) sections)")
        }

        struct Raw { var name: UInt32; var type: UInt32; var flags: UInt64; var offset: UInt64; var size: UInt64
                     var link: UInt32; var entrySize: UInt64 }
        var headers: [Raw] = []
        headers.reserveCapacity(shnum)
        for i in 0..<shnum {
            let o = Int(shoff) + i * Int(shentsize)
            if elfClass == .elf64 {
                headers.append(Raw(name: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), offset: r.u64(o + 24),
                                   size: r.u64(o + 32), link: r.u32(o + 40), entrySize: r.u64(o + 56)))
            } else {
                headers.append(Raw(name: r.u32(o), type: r.u32(o + 4), flags: UInt64(r.u32(o + 8)),
                                   offset: UInt64(r.u32(o + 16)), size: UInt64(r.u32(o + 20)), link: r.u32(o + 24),
                                   entrySize: UInt64(r.u32(o + 36))))
            }
        }
        for (i, h) in headers.enumerated() where i > 0 && h.type != SectionType.nobits && h.size > 0 {
            guard r.contains(offset: h.offset, length: h.size) else {
                throw fail("section [\(i)]", "contents (offset \(h.offset), size \(h.size)) run past the end of the file (\(raw.count) bytes)")
            }
        }

        // Names may overlap (suffix sharing, or a hostile file pointing thousands of st_name into one long run):
        // decoded bytes are bounded by a multiple of the file size, as in the editable reader.
        let nameBudget = 16 * raw.count + (1 << 20)
        var decodedNameBytes = 0

        /// A NUL-terminated string at `offset` inside string table section `table`.
        func string(_ table: Raw, _ offset: UInt32, _ what: @autoclosure () -> String) throws(ELFError) -> String {
            guard UInt64(offset) < table.size, let base = raw.baseAddress else {
                if offset == 0 { return "" }
                throw fail(what(), "name offset \(offset) is past the end of its string table (\(table.size) bytes)")
            }
            let start = Int(table.offset) + Int(offset)
            let end = Int(table.offset) + Int(table.size)
            guard let nul = memchr(base + start, 0, end - start) else {
                throw fail(what(), "name at offset \(offset) is not NUL-terminated")
            }
            let length = UnsafeRawPointer(nul) - (base + start)
            decodedNameBytes += length
            guard decodedNameBytes <= nameBudget else {
                throw fail(what(), "names overlapping in the string table decode to more than \(nameBudget) bytes (16 times the file size): the string table is corrupt")
            }
            return String(decoding: UnsafeRawBufferPointer(start: base + start, count: length), as: UTF8.self)
        }

        let nameTable = headers[shstrndx]
        guard nameTable.type == SectionType.strtab else {
            throw fail("e_shstrndx", "section \(shstrndx) is not a string table, so section names cannot be read")
        }
        var sections: [SectionHeader] = []
        sections.reserveCapacity(shnum)
        for (i, h) in headers.enumerated() {
            let name = i == 0 ? "" : try string(nameTable, h.name, "name of section [\(i)]")
            sections.append(SectionHeader(name: name, type: h.type, flags: h.flags, offset: h.offset, size: h.size))
        }

        // Section 0 is the null header: its contents were never bounds-checked, so it cannot be the table.
        guard let symtab = headers.indices.dropFirst().first(where: { headers[$0].type == SectionType.symtab }) else {
            throw fail(nil, "no symbol table (.symtab): the file is stripped, so its symbols cannot be listed")
        }
        let h = headers[symtab]
        let place = "section [\(symtab)] '\(sections[symtab].name)'"
        let size = elfClass.symbolSize
        guard h.entrySize == UInt64(size), h.size % UInt64(size) == 0 else {
            throw fail(place, "symbol table entry size \(h.entrySize) / size \(h.size) do not fit \(size)-byte entries")
        }
        guard h.link > 0, Int(h.link) < shnum, headers[Int(h.link)].type == SectionType.strtab else {
            throw fail(place, "symbol table links to section [\(h.link)], which is not a string table")
        }
        let strtab = headers[Int(h.link)]
        let count = Int(h.size) / size
        var symbols: [Entry] = []
        symbols.reserveCapacity(max(count - 1, 0))
        if count > 1 {
            for i in 1..<count {
                let o = Int(h.offset) + i * size
                let nameOffset: UInt32, info: UInt8, shndx: UInt16, value: UInt64
                if elfClass == .elf64 {
                    nameOffset = r.u32(o); info = r.u8(o + 4); shndx = r.u16(o + 6); value = r.u64(o + 8)
                } else {
                    nameOffset = r.u32(o); value = UInt64(r.u32(o + 4)); info = r.u8(o + 12); shndx = r.u16(o + 14)
                }
                let name = try string(strtab, nameOffset, "symbol \(i)")
                symbols.append(Entry(name: name, binding: info >> 4, type: info & 0xf, shndx: shndx, value: value))
            }
        }
        return (fileType, sections, symbols)
    }
}
