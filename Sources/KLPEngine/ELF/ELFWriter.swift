// Writes the model back to bytes in two phases: `ELFWriter.plan` fixes indices, string offsets, contents and file
// offsets (and rejects anything that cannot be written, such as a reference to a removed section); `bytes()`
// then only copies. Nothing is written to disk here: callers use FileIO.writeAtomically.

public struct ELFLayout: Sendable {
    public let header: ELFHeader
    /// Sections in output order; index in the file = position + 1.
    public let sections: [PlannedSection]
    public let shstrndx: Int
    public let sectionHeaderOffset: Int
    public let totalSize: Int

    public struct PlannedSection: Sendable {
        public let id: SectionID
        public let name: String
        public let nameOffset: UInt32
        public let type: UInt32
        public let flags: UInt64
        public let address: UInt64
        public let offset: Int
        public let size: UInt64
        public let link: UInt32
        public let info: UInt32
        public let alignment: UInt64
        public let entrySize: UInt64
        let data: ArraySlice<UInt8>
    }
}

public enum ELFWriter {
    public static func plan(_ object: ELFObject) throws -> ELFLayout {
        try Planner(object: object).plan()
    }

    /// Plans and encodes in one step.
    public static func bytes(of object: ELFObject) throws -> [UInt8] {
        try plan(object).bytes()
    }
}

private struct Planner {
    let object: ELFObject
    var c: ELFClass { object.header.elfClass }

    func fail(_ place: String?, _ message: String) -> ELFError {
        ELFError(path: object.path, place: place, message)
    }

    func plan() throws -> ELFLayout {
        let sections = object.sections
        guard sections.count + 1 < Int(SpecialSection.loReserve) else {
            throw fail(nil, "\(sections.count + 1) sections need extended section numbering, which is not supported")
        }
        var sectionIndex: [SectionID: Int] = [:]
        for (i, s) in sections.enumerated() { sectionIndex[s.id] = i + 1 }
        func index(of id: SectionID, from place: String, field: String) throws -> UInt32 {
            guard let i = sectionIndex[id] else {
                throw fail(place, "\(field) refers to a section that was removed (\(id))")
            }
            return UInt32(i)
        }

        // Symbols: locals first (stable), as the gABI requires and .symtab's sh_info records.
        let locals = object.symbols.filter { $0.isLocal }
        let globals = object.symbols.filter { !$0.isLocal }
        let orderedSymbols = locals + globals
        let symbolIndex = SymbolIndexTable(orderedSymbols)
        let firstNonLocal = UInt32(locals.count + 1)
        if c == .elf32, orderedSymbols.count >= 1 << 24 {
            throw fail(nil, "\(orderedSymbols.count) symbols do not fit ELF32 relocation entries")
        }

        // String tables.
        guard let shstrID = object.sectionNameTable, let shstrIdx = sectionIndex[shstrID],
              case .stringTable(let shstrOriginal) = sections[shstrIdx - 1].content else {
            throw fail(nil, "the object has no section name string table")
        }
        var builders: [SectionID: StringTableBuilder] = [shstrID: StringTableBuilder(original: shstrOriginal)]
        var symtabStrings: SectionID?
        if let symtab = object.symbolTable {
            guard let st = object.section(symtab) else {
                throw fail(nil, "the symbol table section was removed but symbols remain")
            }
            guard let strID = st.link, let strSection = object.section(strID),
                  case .stringTable(let original) = strSection.content else {
                throw fail("section '\(st.name)'", "symbol table does not link to a string table")
            }
            symtabStrings = strID
            if builders[strID] == nil { builders[strID] = StringTableBuilder(original: original) }
        } else if !object.symbols.isEmpty {
            throw fail(nil, "the object has symbols but no symbol table section")
        }

        var sectionNameOffsets: [UInt32] = []
        sectionNameOffsets.reserveCapacity(sections.count)
        for s in sections {
            sectionNameOffsets.append(builders[shstrID]!.offset(of: s.name, original: s.originalName))
        }

        // Encode the symbol table now: its names feed the string table before that table is laid out.
        var symtabBytes: [UInt8] = []
        if let strID = symtabStrings {
            var names: [UInt32] = []
            names.reserveCapacity(orderedSymbols.count)
            for s in orderedSymbols {
                names.append(builders[strID]!.offset(of: s.name, original: s.originalName))
            }
            symtabBytes = try encodeSymbols(orderedSymbols, nameOffsets: names, sectionIndex: sectionIndex)
        }

        // Section contents, headers, file offsets.
        var planned: [ELFLayout.PlannedSection] = []
        planned.reserveCapacity(sections.count)
        var offset = c.fileHeaderSize
        for (i, s) in sections.enumerated() {
            let place = "section '\(s.name)'"
            var data: ArraySlice<UInt8> = []
            var size: UInt64
            switch s.content {
            case .bytes(let b):
                data = b
                size = UInt64(b.count)
            case .noBits(let n):
                size = n
            case .stringTable:
                data = ArraySlice(builders[s.id]?.bytes ?? [])
                if builders[s.id] == nil, case .stringTable(let b) = s.content { data = b }
                size = UInt64(data.count)
            case .symbolTable:
                guard s.id == object.symbolTable else {
                    throw fail(place, "a second symbol table")
                }
                data = ArraySlice(symtabBytes)
                size = UInt64(data.count)
            case .relocations(let relocs, let rela):
                data = ArraySlice(try encodeRelocations(relocs, rela: rela, symbolIndex: symbolIndex, place: place))
                size = UInt64(data.count)
            case .group(let flags, let members):
                var words: [UInt32] = [flags]
                for m in members where sectionIndex[m] != nil { words.append(UInt32(sectionIndex[m]!)) }
                data = ArraySlice(encodeWords(words))
                size = UInt64(data.count)
            }

            let link: UInt32 = try s.link.map { try index(of: $0, from: place, field: "sh_link") } ?? 0
            let info: UInt32
            switch s.info {
            case .raw(let v): info = v
            case .section(let id): info = try index(of: id, from: place, field: "sh_info")
            case .firstNonLocal: info = firstNonLocal
            case .symbol(let id):
                guard let i = symbolIndex[id] else {
                    throw fail(place, "sh_info refers to a symbol that was removed (\(id))")
                }
                info = UInt32(i)
            }

            let align = max(s.alignment, 1)
            var fileOffset = offset
            if s.type != SectionType.nobits {
                fileOffset = Self.align(offset, to: Int(align))
                offset = fileOffset + data.count
            }
            if c == .elf32 {
                guard size <= c.maxWord, s.address <= c.maxWord, s.flags <= c.maxWord, s.alignment <= c.maxWord,
                      s.entrySize <= c.maxWord else {
                    throw fail(place, "a header field does not fit ELF32")
                }
            }
            planned.append(ELFLayout.PlannedSection(
                id: s.id, name: s.name, nameOffset: sectionNameOffsets[i], type: s.type, flags: s.flags,
                address: s.address, offset: fileOffset, size: size, link: link, info: info, alignment: s.alignment,
                entrySize: s.entrySize, data: data))
        }
        let shoff = Self.align(offset, to: c.wordSize)
        let total = shoff + (sections.count + 1) * c.sectionHeaderSize
        if c == .elf32, UInt64(total) > c.maxWord {
            throw fail(nil, "output of \(total) bytes does not fit ELF32 offsets")
        }
        return ELFLayout(header: object.header, sections: planned, shstrndx: shstrIdx, sectionHeaderOffset: shoff,
                         totalSize: total)
    }

    static func align(_ v: Int, to a: Int) -> Int {
        a <= 1 ? v : (v + a - 1) / a * a
    }

    private func encodeWords(_ words: [UInt32]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: words.count * 4)
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: object.header.byteOrder)
            for (i, v) in words.enumerated() { w.u32(i * 4, v) }
        }
        return out
    }

    private func encodeSymbols(_ symbols: [Symbol], nameOffsets: [UInt32], sectionIndex: [SectionID: Int]) throws -> [UInt8] {
        let size = c.symbolSize
        var out = [UInt8](repeating: 0, count: (symbols.count + 1) * size)
        var problem: ELFError?
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: object.header.byteOrder)
            for (k, s) in symbols.enumerated() {
                let o = (k + 1) * size
                let shndx: UInt16
                switch s.section {
                case .undefined: shndx = SpecialSection.undef
                case .absolute: shndx = SpecialSection.abs
                case .common: shndx = SpecialSection.common
                case .livepatch: shndx = SpecialSection.livepatch
                case .reserved(let v): shndx = v
                case .section(let id):
                    guard let i = sectionIndex[id] else {
                        problem = fail("symbol '\(s.name)'", "is defined in a section that was removed (\(id))")
                        return
                    }
                    shndx = UInt16(i)
                }
                let info = (s.binding << 4) | (s.type & 0xf)
                if c == .elf64 {
                    w.u32(o, nameOffsets[k]); w.u8(o + 4, info); w.u8(o + 5, s.other); w.u16(o + 6, shndx)
                    w.u64(o + 8, s.value); w.u64(o + 16, s.size)
                } else {
                    guard s.value <= c.maxWord, s.size <= c.maxWord else {
                        problem = fail("symbol '\(s.name)'", "value or size does not fit ELF32")
                        return
                    }
                    w.u32(o, nameOffsets[k]); w.u32(o + 4, UInt32(s.value)); w.u32(o + 8, UInt32(s.size))
                    w.u8(o + 12, info); w.u8(o + 13, s.other); w.u16(o + 14, shndx)
                }
            }
        }
        if let problem { throw problem }
        return out
    }

    private func encodeRelocations(_ relocs: [Relocation], rela: Bool, symbolIndex: SymbolIndexTable,
                                   place: String) throws -> [UInt8] {
        let size = c.relocationSize(rela: rela)
        var out = [UInt8](repeating: 0, count: relocs.count * size)
        var problem: ELFError?
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: object.header.byteOrder)
            for (k, r) in relocs.enumerated() {
                let o = k * size
                var sym = 0
                if let id = r.symbol {
                    guard let i = symbolIndex[id] else {
                        problem = fail(place, "relocation \(k) (offset 0x\(String(r.offset, radix: 16))) refers to a symbol that was removed (\(id))")
                        return
                    }
                    sym = i
                }
                if c == .elf64 {
                    w.u64(o, r.offset)
                    w.u64(o + 8, UInt64(sym) << 32 | UInt64(r.type))
                    if rela { w.u64(o + 16, UInt64(bitPattern: r.addend)) }
                } else {
                    guard r.offset <= c.maxWord, r.type <= 0xff, r.addend >= Int64(Int32.min), r.addend <= Int64(Int32.max) else {
                        problem = fail(place, "relocation \(k) does not fit ELF32")
                        return
                    }
                    w.u32(o, UInt32(r.offset))
                    w.u32(o + 4, UInt32(sym) << 8 | r.type)
                    if rela { w.u32(o + 8, UInt32(bitPattern: Int32(r.addend))) }
                }
            }
        }
        if let problem { throw problem }
        return out
    }
}

/// Output index (1-based) of each symbol by identity. Identities are dense (the reader numbers symbols 1...n and
/// appended ones follow), so an array over rawValue serves the lookup of every relocation being encoded (a large
/// livepatch has ~140k) without hashing; an unusually sparse model falls back to a dictionary.
struct SymbolIndexTable {
    private let dense: [Int]
    private let sparse: [SymbolID: Int]

    init(_ ordered: [Symbol]) {
        let largest = ordered.map(\.id.rawValue).max() ?? 0
        let smallest = ordered.map(\.id.rawValue).min() ?? 0
        if smallest >= 0 && largest <= 4 * ordered.count + 1_024 {
            var slots = [Int](repeating: 0, count: largest + 1)
            for (i, s) in ordered.enumerated() { slots[s.id.rawValue] = i + 1 }
            dense = slots
            sparse = [:]
        } else {
            dense = []
            var table: [SymbolID: Int] = [:]
            for (i, s) in ordered.enumerated() { table[s.id] = i + 1 }
            sparse = table
        }
    }

    subscript(id: SymbolID) -> Int? {
        if dense.isEmpty { return sparse[id] }
        guard dense.indices.contains(id.rawValue), dense[id.rawValue] > 0 else { return nil }
        return dense[id.rawValue]
    }
}

extension ELFLayout {
    /// The encoded file.
    public func bytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: totalSize)
        let c = header.elfClass
        out.withUnsafeMutableBytes { buf in
            let w = RawWriter(buf, order: header.byteOrder)
            // e_ident
            w.u8(0, 0x7f); w.u8(1, 0x45); w.u8(2, 0x4c); w.u8(3, 0x46)
            w.u8(4, c.rawValue); w.u8(5, header.byteOrder.rawValue); w.u8(6, 1)
            w.u8(7, header.osABI); w.u8(8, header.abiVersion)
            let ws = c.wordSize
            w.u16(16, header.type); w.u16(18, header.machine); w.u32(20, header.version)
            w.word(24, header.entry, c)
            w.word(24 + ws, 0, c)  // e_phoff
            w.word(24 + 2 * ws, UInt64(sectionHeaderOffset), c)
            w.u32(24 + 3 * ws, header.flags)
            w.u16(24 + 3 * ws + 4, UInt16(c.fileHeaderSize))
            w.u16(24 + 3 * ws + 6, 0)  // e_phentsize
            w.u16(24 + 3 * ws + 8, 0)  // e_phnum
            w.u16(24 + 3 * ws + 10, UInt16(c.sectionHeaderSize))
            w.u16(24 + 3 * ws + 12, UInt16(sections.count + 1))
            w.u16(24 + 3 * ws + 14, UInt16(shstrndx))

            for (i, s) in sections.enumerated() {
                if !s.data.isEmpty, s.type != SectionType.nobits {
                    s.data.withUnsafeBytes { src in
                        UnsafeMutableRawBufferPointer(rebasing: buf[s.offset..<(s.offset + src.count)])
                            .copyMemory(from: src)
                    }
                }
                let o = sectionHeaderOffset + (i + 1) * c.sectionHeaderSize
                w.u32(o, s.nameOffset)
                w.u32(o + 4, s.type)
                if c == .elf64 {
                    w.u64(o + 8, s.flags); w.u64(o + 16, s.address); w.u64(o + 24, UInt64(s.offset))
                    w.u64(o + 32, s.size); w.u32(o + 40, s.link); w.u32(o + 44, s.info)
                    w.u64(o + 48, s.alignment); w.u64(o + 56, s.entrySize)
                } else {
                    w.u32(o + 8, UInt32(s.flags)); w.u32(o + 12, UInt32(s.address)); w.u32(o + 16, UInt32(s.offset))
                    w.u32(o + 20, UInt32(s.size)); w.u32(o + 24, s.link); w.u32(o + 28, s.info)
                    w.u32(o + 32, UInt32(s.alignment)); w.u32(o + 36, UInt32(s.entrySize))
                }
            }
        }
        return out
    }
}
