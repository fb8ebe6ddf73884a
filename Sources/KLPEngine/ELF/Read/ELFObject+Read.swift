// The editable model's entry point into the one reader: an ET_REL object with its sections, symbols,
// relocations and groups decoded into identities. ELFFileReader has already checked the header, the section
// header table, the layout and the section names.

extension ELFObject {
    /// Upper bound for sh_addralign: larger values are certainly corrupt and would make the writer pad absurdly.
    static let maximumAlignment: UInt64 = 1 << 20

    public static func read(path: String) throws -> ELFObject {
        let bytes = try FileIO.readAll(path: path)
        return try ELFObject(bytes: bytes, path: path)
    }

    public init(bytes: [UInt8], path: String) throws(ELFError) {
        let storage = bytes
        let result: Result<ELFObject, ELFError> = storage.withUnsafeBytes { raw in
            do throws(ELFError) {
                let file = try ELFFileReader(raw: raw, path: path, purpose: .editableObject)
                return .success(try ObjectBuilder(file: file, storage: storage).build())
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
        inputBytes = storage
    }
}

private struct ObjectBuilder {
    let file: ELFFileReader
    let storage: [UInt8]

    var path: String { file.path }
    var headers: [SectionHeaderRecord] { file.sections }

    func fail(_ i: Int, _ message: String) -> ELFError { file.sectionError(i, message) }

    func build() throws(ELFError) -> ELFObject {
        let shnum = headers.count
        var symtabIndex: Int?
        for (i, h) in headers.enumerated() where i > 0 {
            if h.type == .symtabShndx {
                throw fail(i, "SHT_SYMTAB_SHNDX (extended symbol section indices) is not supported")
            }
            if h.type == .symtab {
                if let first = symtabIndex {
                    throw fail(
                        i,
                        "a second symbol table (the first is section [\(first)]); "
                            + "a relocatable object has one")
                }
                symtabIndex = i
            }
            if h.link >= UInt32(shnum) {
                throw fail(i, "sh_link \(h.link) is out of range (\(shnum) sections)")
            }
        }

        var symbols: [Symbol] = []
        if let s = symtabIndex {
            symbols = try readSymbols(symtab: s)
        }
        let symbolCount = symbols.count + (symtabIndex == nil ? 0 : 1)

        var sections: [Section] = []
        sections.reserveCapacity(shnum - 1)
        for (i, h) in headers.enumerated() where i > 0 {
            var info = SectionInfo.raw(h.info)
            let content: SectionContent
            switch h.type {
            case .symtab:
                content = .symbolTable
                info = .firstNonLocal
            case .strtab:
                content = .stringTable(slice(h))
            case .nobits:
                content = .noBits(size: h.size)
            case .rel, .rela:
                guard let s = symtabIndex, Int(h.link) == s else {
                    throw fail(i, "relocation section links to section [\(h.link)], which is not the symbol table")
                }
                if h.info != 0 {
                    guard h.info < UInt32(shnum) else {
                        throw fail(i, "sh_info \(h.info) (the section to relocate) is out of range (\(shnum) sections)")
                    }
                    guard Int(h.info) != i else {
                        throw fail(i, "relocation section applies to itself (sh_info \(h.info))")
                    }
                    info = .section(SectionID(Int(h.info)))
                }
                content = .encodedRelocations(
                    try readRelocations(section: i, rela: h.type == .rela, symbolCount: symbolCount))
            case .group:
                guard let s = symtabIndex, Int(h.link) == s else {
                    throw fail(i, "group section links to section [\(h.link)], which is not the symbol table")
                }
                guard h.info > 0, Int(h.info) < symbolCount else {
                    throw fail(i, "group signature symbol index \(h.info) is out of range (\(symbolCount) symbols)")
                }
                info = .symbol(SymbolID(Int(h.info)))
                content = try readGroup(section: i)
            default:
                content = .bytes(slice(h))
            }
            if !(h.type.isRelocation || h.type == .group), h.flags.contains(.infoLink) {
                guard h.info < UInt32(shnum), Int(h.info) != i else {
                    throw fail(i, "SHF_INFO_LINK section has sh_info \(h.info), not a valid section index")
                }
                info = h.info == 0 ? .raw(0) : .section(SectionID(Int(h.info)))
            }
            var section = Section(
                id: SectionID(i), name: file.names[i], type: h.type, flags: h.flags, address: h.address,
                alignment: h.alignment, entrySize: h.entrySize,
                link: h.link == 0 ? nil : SectionID(Int(h.link)), info: info, content: content)
            section.originalName = (h.name, file.names[i])
            sections.append(section)
        }

        let f = file.header
        let header = ELFHeader(
            elfClass: f.elfClass, byteOrder: f.byteOrder, osABI: f.osABI, abiVersion: f.abiVersion,
            type: f.type, machine: f.machine, version: f.version, entry: f.entry, flags: f.flags)
        return ELFObject(
            path: path, header: header, sections: sections, symbols: symbols,
            symbolTable: symtabIndex.map { SectionID($0) },
            sectionNameTable: SectionID(Int(f.shstrndx)))
    }

    private func slice(_ h: SectionHeaderRecord) -> ArraySlice<UInt8> {
        if h.size == 0 { return [] }
        let start = Int(h.offset)
        return storage[start..<(start + Int(h.size))]
    }

    private func readSymbols(symtab: Int) throws(ELFError) -> [Symbol] {
        let strings = try file.checkSymbolTable(symtab)
        let sectionCount = headers.count
        var symbols: [Symbol] = []
        symbols.reserveCapacity(max(file.symbolCount(of: symtab) - 1, 0))
        try file.forEachSymbol(of: symtab, strings: strings) { i, record, name throws(ELFError) in
            let section: SymbolSection
            switch record.shndx {
            case .undef: section = .undefined
            case .abs: section = .absolute
            case .common: section = .common
            case .livepatch: section = .livepatch
            case .xindex:
                throw .symbol(path: path, index: i, name: name, message: "SHN_XINDEX section index is not supported")
            case let shndx where !shndx.isReserved:
                guard Int(shndx.rawValue) < sectionCount else {
                    throw .symbol(
                        path: path, index: i, name: name,
                        message: "section index \(shndx) is out of range (\(sectionCount) sections)")
                }
                section = .section(SectionID(Int(shndx.rawValue)))
            default: section = .reserved(record.shndx.rawValue)
            }
            var symbol = Symbol(
                id: SymbolID(i), name: name, binding: record.binding, type: record.type,
                other: record.other, section: section, value: record.value, size: record.size)
            symbol.originalName = (record.name, name)
            symbols.append(symbol)
        }
        return symbols
    }

    /// The relocation table of section `i`, kept encoded (EncodedRelocations) after one pass that checks every
    /// record's symbol index: the first one past the symbol table is the error, as when the table was decoded.
    private func readRelocations(section i: Int, rela: Bool, symbolCount: Int) throws(ELFError) -> EncodedRelocations {
        let h = headers[i]
        let size = file.codec.layout.relocation(rela: rela).size
        guard h.entrySize == UInt64(size) else {
            // A REL section with RELA-sized entries (or the reverse) has the wrong type, not a wrong size.
            let other = file.codec.layout.relocation(rela: !rela).size
            if h.entrySize == UInt64(other) {
                let (type, entries) = rela ? ("SHT_RELA", "Rel") : ("SHT_REL", "Rela")
                throw fail(
                    i,
                    "section type is \(type) but its entries are \(other) bytes, the size of \(entries) "
                        + "entries: the type is wrong (SHT_\(entries.uppercased()) expected)")
            }
            throw fail(i, "relocation entry size \(h.entrySize), expected \(size)")
        }
        guard h.size % UInt64(size) == 0 else {
            throw fail(i, "relocation section size \(h.size) is not a multiple of \(size)")
        }
        var table = EncodedRelocations(
            bytes: slice(h), elfClass: file.header.elfClass, byteOrder: file.header.byteOrder, rela: rela,
            symbolBound: symbolCount)
        // A table with more records than there are symbols notes which symbols it uses (EncodedRelocations).
        let notesUses = symbolCount <= table.count
        var used = [Bool](repeating: false, count: notesUses ? symbolCount : 0)
        let bad: (index: Int, record: RelocationRecord)? = table.withRecords { records in
            used.withUnsafeMutableBufferPointer { used in
                for k in 0..<records.count {
                    let index = records.symbolIndex(k)
                    guard index < symbolCount else { return (k, records.record(k)) }
                    if notesUses { used[index] = true }
                }
                return nil
            }
        }
        if let (k, r) = bad {
            throw .relocation(
                path: path, section: i, sectionName: file.names[i], index: k, offset: r.offset,
                message: "uses symbol index \(r.symbol), past the symbol table (\(symbolCount) symbols)")
        }
        if notesUses {
            table = EncodedRelocations(
                bytes: table.bytes, elfClass: table.elfClass, byteOrder: table.byteOrder, rela: rela,
                symbolBound: symbolCount, usedSymbols: used)
        }
        return table
    }

    /// SHT_GROUP contents: a flags word, then the member section indices.
    private func readGroup(section i: Int) throws(ELFError) -> SectionContent {
        let h = headers[i]
        guard h.size >= 4, h.size % 4 == 0 else {
            throw fail(i, "group section size \(h.size) is not a non-zero multiple of 4")
        }
        let base = Int(h.offset)
        let flags = file.reader.u32(base)
        var members: [SectionID] = []
        for k in 1..<(Int(h.size) / 4) {
            let m = file.reader.u32(base + 4 * k)
            guard m != 0, m < UInt32(headers.count) else {
                throw fail(i, "group member \(k) is section index \(m), out of range (\(headers.count) sections)")
            }
            members.append(SectionID(Int(m)))
        }
        return .group(flags: flags, members: members)
    }
}
