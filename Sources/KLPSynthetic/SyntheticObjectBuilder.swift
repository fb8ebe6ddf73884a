import KLPEngine

// Assembles an x86_64 ET_REL object through the engine's model, the way `ld -r` lays out a kernel module:
// content sections each followed by its relocation section, then .symtab, .strtab, .shstrtab. The synthetic
// generators use it; nothing here parses or validates input, it only produces well-formed objects.

struct SyntheticObjectBuilder {
    private(set) var sections: [Section] = []
    private(set) var symbols: [Symbol] = []
    /// Section symbols, created with each content section (the relocations of debug info point at them).
    private(set) var sectionSymbols: [SectionID: SymbolID] = [:]
    let symbolTable = SectionID(1)
    let stringTable = SectionID(2)
    let sectionNameTable = SectionID(3)
    private var nextSection = 4
    private var nextSymbol = 1
    private let path: String

    init(path: String, sourceFile: String) {
        self.path = path
        addSymbol(name: sourceFile, binding: SymbolBinding.local, type: SymbolType.file, section: .absolute)
    }

    /// A content section and its section symbol (as gcc emits one per section it relocates against).
    @discardableResult
    mutating func addSection(
        _ name: String, type: SectionType = .progbits, flags: SectionFlags,
        alignment: UInt64, entrySize: UInt64 = 0, bytes: [UInt8]
    ) -> SectionID {
        let id = SectionID(nextSection)
        nextSection += 1
        let content: SectionContent =
            type == SectionType.nobits
            ? .noBits(size: UInt64(bytes.count)) : .bytes(ArraySlice(bytes))
        sections.append(
            Section(
                id: id, name: name, type: type, flags: flags, alignment: alignment,
                entrySize: entrySize, content: content))
        sectionSymbols[id] = addSymbol(
            name: "", binding: SymbolBinding.local, type: SymbolType.section,
            section: .section(id))
        return id
    }

    /// `.rela<target name>` for `target`, placed right after `target` (where `ld -r` puts it).
    mutating func addRelocations(for target: SectionID, _ relocations: [Relocation]) {
        // Searched from the end: the target is usually the section just added (a linear build of many sections).
        guard let at = sections.lastIndex(where: { $0.id == target }) else { return }
        let id = SectionID(nextSection)
        nextSection += 1
        sections.insert(
            Section(
                id: id, name: ".rela" + sections[at].name, type: SectionType.rela,
                flags: SectionFlags.infoLink, alignment: 8, entrySize: 24, link: symbolTable,
                info: .section(target), content: .relocations(relocations, rela: true)),
            at: at + 1)
    }

    /// Replaces the bytes of a section added earlier (for contents that refer to later sections' symbols).
    mutating func setBytes(of id: SectionID, _ bytes: [UInt8]) {
        guard let at = sections.firstIndex(where: { $0.id == id }) else { return }
        sections[at].content = .bytes(ArraySlice(bytes))
    }

    @discardableResult
    mutating func addSymbol(
        name: String, binding: SymbolBinding, type: SymbolType, section: SymbolSection,
        value: UInt64 = 0, size: UInt64 = 0
    ) -> SymbolID {
        let id = SymbolID(nextSymbol)
        nextSymbol += 1
        symbols.append(
            Symbol(
                id: id, name: name, binding: binding, type: type, section: section, value: value,
                size: size))
        return id
    }

    /// The object, with the three tables at the end. The writer orders locals before globals.
    func finish() -> ELFObject {
        var all = sections
        all.append(
            Section(
                id: symbolTable, name: ".symtab", type: SectionType.symtab, flags: 0, alignment: 8,
                entrySize: 24, link: stringTable, info: .firstNonLocal, content: .symbolTable))
        all.append(
            Section(
                id: stringTable, name: ".strtab", type: SectionType.strtab, flags: 0, alignment: 1,
                content: .stringTable([0])))
        all.append(
            Section(
                id: sectionNameTable, name: ".shstrtab", type: SectionType.strtab, flags: 0,
                alignment: 1, content: .stringTable([0])))
        let header = ELFHeader(
            elfClass: .elf64, byteOrder: .little, osABI: 0, abiVersion: 0, type: ELFFileType.rel,
            machine: Machine.x86_64, version: 1, entry: 0, flags: 0)
        return ELFObject(
            path: path, header: header, sections: all, symbols: symbols, symbolTable: symbolTable,
            sectionNameTable: sectionNameTable)
    }
}

/// Little-endian byte assembly for section contents.
struct LittleEndianBytes {
    var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { for k in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    mutating func u32(_ v: UInt32) { for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    mutating func u64(_ v: UInt64) { for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    mutating func string(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        bytes.append(0)
    }
    mutating func uleb(_ value: UInt64) {
        var v = value
        repeat {
            var byte = UInt8(v & 0x7f)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while v != 0
    }
    mutating func pad(to alignment: Int, with fill: UInt8 = 0) {
        while bytes.count % alignment != 0 { bytes.append(fill) }
    }
}
