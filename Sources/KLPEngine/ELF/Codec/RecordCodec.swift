// Decodes and encodes the four records for one class and byte order, through RecordLayout's field tables.
// Bounds are the caller's job (checked once per table, not per field), which keeps decoding at loadUnaligned
// speed in debug builds.

struct RecordCodec {
    let elfClass: ELFClass
    let byteOrder: ByteOrder
    let layout: RecordLayout

    init(_ elfClass: ELFClass, _ byteOrder: ByteOrder) {
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        layout = RecordLayout.of(elfClass)
    }

    // MARK: - File header

    /// The header at offset 0; `r` holds at least `layout.fileHeader.size` bytes and e_ident was checked.
    func fileHeader(_ r: RawReader) -> FileHeaderRecord {
        let f = layout.fileHeader
        var h = FileHeaderRecord(elfClass: elfClass, byteOrder: byteOrder,
                                 type: ELFFileType(UInt16(r.load(0, f.type))),
                                 machine: Machine(UInt16(r.load(0, f.machine))))
        h.identVersion = r.u8(FileHeaderLayout.identVersion)
        h.osABI = r.u8(FileHeaderLayout.identOSABI)
        h.abiVersion = r.u8(FileHeaderLayout.identABIVersion)
        h.version = UInt32(r.load(0, f.version))
        h.entry = r.load(0, f.entry)
        h.phoff = r.load(0, f.phoff)
        h.shoff = r.load(0, f.shoff)
        h.flags = UInt32(r.load(0, f.flags))
        h.ehsize = UInt16(r.load(0, f.ehsize))
        h.phentsize = UInt16(r.load(0, f.phentsize))
        h.phnum = UInt16(r.load(0, f.phnum))
        h.shentsize = UInt16(r.load(0, f.shentsize))
        h.shnum = UInt16(r.load(0, f.shnum))
        h.shstrndx = UInt16(r.load(0, f.shstrndx))
        return h
    }

    func encode(_ h: FileHeaderRecord, _ w: RawWriter) {
        let f = layout.fileHeader
        for (k, b) in FileHeaderLayout.magic.enumerated() { w.u8(k, b) }
        w.u8(FileHeaderLayout.identClass, elfClass.rawValue)
        w.u8(FileHeaderLayout.identData, byteOrder.rawValue)
        w.u8(FileHeaderLayout.identVersion, h.identVersion)
        w.u8(FileHeaderLayout.identOSABI, h.osABI)
        w.u8(FileHeaderLayout.identABIVersion, h.abiVersion)
        w.store(0, f.type, UInt64(h.type.rawValue))
        w.store(0, f.machine, UInt64(h.machine.rawValue))
        w.store(0, f.version, UInt64(h.version))
        w.store(0, f.entry, h.entry)
        w.store(0, f.phoff, h.phoff)
        w.store(0, f.shoff, h.shoff)
        w.store(0, f.flags, UInt64(h.flags))
        w.store(0, f.ehsize, UInt64(h.ehsize))
        w.store(0, f.phentsize, UInt64(h.phentsize))
        w.store(0, f.phnum, UInt64(h.phnum))
        w.store(0, f.shentsize, UInt64(h.shentsize))
        w.store(0, f.shnum, UInt64(h.shnum))
        w.store(0, f.shstrndx, UInt64(h.shstrndx))
    }

    // MARK: - Section headers

    func sectionHeader(_ r: RawReader, at o: Int) -> SectionHeaderRecord {
        let s = layout.sectionHeader
        var h = SectionHeaderRecord()
        h.name = UInt32(r.load(o, s.name))
        h.type = SectionType(UInt32(r.load(o, s.type)))
        h.flags = SectionFlags(rawValue: r.load(o, s.flags))
        h.address = r.load(o, s.address)
        h.offset = r.load(o, s.offset)
        h.size = r.load(o, s.sectionSize)
        h.link = UInt32(r.load(o, s.link))
        h.info = UInt32(r.load(o, s.info))
        h.alignment = r.load(o, s.alignment)
        h.entrySize = r.load(o, s.entrySize)
        return h
    }

    func encode(_ h: SectionHeaderRecord, _ w: RawWriter, at o: Int) {
        let s = layout.sectionHeader
        w.store(o, s.name, UInt64(h.name))
        w.store(o, s.type, UInt64(h.type.rawValue))
        w.store(o, s.flags, h.flags.rawValue)
        w.store(o, s.address, h.address)
        w.store(o, s.offset, h.offset)
        w.store(o, s.sectionSize, h.size)
        w.store(o, s.link, UInt64(h.link))
        w.store(o, s.info, UInt64(h.info))
        w.store(o, s.alignment, h.alignment)
        w.store(o, s.entrySize, h.entrySize)
    }

    // MARK: - Symbols

    func symbol(_ r: RawReader, at o: Int) -> SymbolRecord {
        let s = layout.symbol
        var sym = SymbolRecord()
        sym.name = UInt32(r.load(o, s.name))
        (sym.binding, sym.type) = SymbolInfo.unpack(r.u8(o + s.info.offset))
        sym.other = r.u8(o + s.other.offset)
        sym.shndx = SectionIndex(UInt16(r.load(o, s.shndx)))
        sym.value = r.load(o, s.value)
        sym.size = r.load(o, s.symbolSize)
        return sym
    }

    func encode(_ sym: SymbolRecord, _ w: RawWriter, at o: Int) {
        let s = layout.symbol
        w.store(o, s.name, UInt64(sym.name))
        w.u8(o + s.info.offset, SymbolInfo.pack(binding: sym.binding, type: sym.type))
        w.u8(o + s.other.offset, sym.other)
        w.store(o, s.shndx, UInt64(sym.shndx.rawValue))
        w.store(o, s.value, sym.value)
        w.store(o, s.symbolSize, sym.size)
    }

    // MARK: - Relocations

    func relocation(_ r: RawReader, at o: Int, rela: Bool) -> RelocationRecord {
        let l = layout.relocation(rela: rela)
        var rel = RelocationRecord()
        rel.offset = r.load(o, l.offset)
        let info = r.load(o, l.info)
        rel.symbol = UInt32(truncatingIfNeeded: info >> UInt64(l.symbolShift))
        rel.type = RelocationType(UInt32(truncatingIfNeeded: info & l.typeMask))
        if let a = l.addend {
            let raw = r.load(o, a)
            // ELF32's r_addend is a signed 32-bit field: sign-extend it.
            rel.addend = a.width == 8
                ? Int64(bitPattern: raw) : Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: raw)))
        }
        return rel
    }

    func encode(_ rel: RelocationRecord, _ w: RawWriter, at o: Int, rela: Bool) {
        let l = layout.relocation(rela: rela)
        w.store(o, l.offset, rel.offset)
        w.store(o, l.info, UInt64(rel.symbol) << UInt64(l.symbolShift) | UInt64(rel.type.rawValue))
        if let a = l.addend { w.store(o, a, UInt64(bitPattern: rel.addend)) }
    }

    /// Whether `rel` fits this class's fields (ELF32: 32-bit offset and addend, 8-bit type, 24-bit symbol).
    func fits(_ rel: RelocationRecord, rela: Bool) -> Bool {
        let l = layout.relocation(rela: rela)
        guard UInt64(rel.type.rawValue) <= l.typeMask, UInt64(rel.symbol) <= l.maxSymbol else { return false }
        if elfClass == .elf64 { return true }
        let addendFits = rel.addend >= Int64(Int32.min) && rel.addend <= Int64(Int32.max)
        return rel.offset <= elfClass.maxWord && (!rela || addendFits)
    }
}
