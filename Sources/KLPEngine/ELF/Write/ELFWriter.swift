// Writes the model back to bytes in two phases: `ELFWriter.plan` fixes indices, string offsets, contents and file
// offsets (and rejects anything that cannot be written, such as a reference to a removed section or a relocation
// that does not fit ELF32); ELFLayout's encoder (ELFEncoder.swift) then only encodes, every record through the same
// RecordCodec as the reader, straight into its place in the output. Nothing is written to disk here: the encoder
// streams into FileIO.writeAtomically's sink, or fills one array for callers that want the bytes.

public struct ELFLayout: Sendable {
    /// The object's path, for messages.
    public let path: String
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
        public let type: SectionType
        public let flags: SectionFlags
        public let address: UInt64
        public let offset: Int
        public let size: UInt64
        public let link: UInt32
        public let info: UInt32
        public let alignment: UInt64
        public let entrySize: UInt64
        /// What the encoder puts at `offset`, and how many bytes that is in the file (0 for SHT_NOBITS).
        let content: PlannedContent
        let fileSize: Int
    }

    /// A section's bytes in the file, kept in the form they are encoded from (records are encoded into the output
    /// directly, not into an intermediate array first).
    enum PlannedContent: Sendable {
        /// SHT_NOBITS: no bytes in the file.
        case none
        /// Copied as they are: original contents, string tables.
        case bytes(ArraySlice<UInt8>)
        /// The symbol table: the null entry, then these records.
        case symbols([SymbolRecord])
        /// A relocation table, checked by the planner: every symbol is in `symbols` and every entry fits the class.
        case relocations([Relocation], rela: Bool, symbols: SymbolIndexTable)
        /// A relocation table still encoded as read, in the output's class and byte order, checked by the planner:
        /// copied as it is, or with each record's symbol index replaced by `renumbered[index]` when the output
        /// numbers symbols differently (nil: no index this table uses changes).
        case encodedRelocations(EncodedRelocations, renumbered: [UInt32]?)
        /// SHT_GROUP: the flags word and the member indices.
        case words([UInt32])
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

    func fail(_ message: String) -> ELFError { .file(path: object.path, message: message) }
    func fail(section name: String, _ message: String) -> ELFError {
        .section(path: object.path, index: nil, name: name, message: message)
    }
    func fail(symbol name: String, _ message: String) -> ELFError {
        .symbol(path: object.path, index: nil, name: name, message: message)
    }

    func plan() throws -> ELFLayout {
        let sections = object.sections
        guard sections.count + 1 < Int(SectionIndex.loReserve.rawValue) else {
            throw fail("\(sections.count + 1) sections need extended section numbering, which is not supported")
        }
        // Output indices are the model's positions + 1 (ELFObject.currentIndex, an array lookup by identity).
        func index(of id: SectionID, from name: String, field: String) throws(ELFError) -> UInt32 {
            guard let i = object.currentIndex(of: id) else {
                throw fail(section: name, "\(field) refers to a section that was removed (\(id))")
            }
            return UInt32(i)
        }

        // Symbols: locals first (stable), as the gABI requires and .symtab's sh_info records.
        // One array, filled in place (two filtered arrays joined copied every symbol twice).
        var orderedSymbols: [Symbol] = []
        orderedSymbols.reserveCapacity(object.symbols.count)
        orderedSymbols.append(contentsOf: object.symbols.lazy.filter(\.isLocal))
        let firstNonLocal = UInt32(orderedSymbols.count + 1)
        orderedSymbols.append(contentsOf: object.symbols.lazy.filter { !$0.isLocal })
        let symbolIndex = SymbolIndexTable(orderedSymbols)
        if c == .elf32, orderedSymbols.count >= 1 << 24 {
            throw fail("\(orderedSymbols.count) symbols do not fit ELF32 relocation entries")
        }

        // String tables.
        guard let shstrID = object.sectionNameTable, let shstrIdx = object.currentIndex(of: shstrID),
            case .stringTable(let shstrOriginal) = sections[shstrIdx - 1].content
        else {
            throw fail("the object has no section name string table")
        }
        var builders: [SectionID: StringTableBuilder] = [shstrID: StringTableBuilder(original: shstrOriginal)]
        var symtabStrings: SectionID?
        if let symtab = object.symbolTable {
            guard let st = object.section(symtab) else {
                throw fail("the symbol table section was removed but symbols remain")
            }
            guard let strID = st.link, let strSection = object.section(strID),
                case .stringTable(let original) = strSection.content
            else {
                throw fail(section: st.name, "symbol table does not link to a string table")
            }
            symtabStrings = strID
            if builders[strID] == nil {
                // Room for the names that change (a conversion renames every symbol it converts), made once.
                let renamed = object.symbols.reduce(0) { $0 + ($1.originalName?.name == $1.name ? 0 : 1) }
                builders[strID] = StringTableBuilder(original: original, newNames: renamed)
            }
        } else if !object.symbols.isEmpty {
            throw fail("the object has symbols but no symbol table section")
        }

        // Encoded relocation tables refer to symbols by their input index (their identity's raw value): the output
        // index of each, made once for every table.
        let encodedIndices = EncodedSymbolIndices(sections: sections, symbolIndex: symbolIndex)

        var sectionNameOffsets: [UInt32] = []
        sectionNameOffsets.reserveCapacity(sections.count)
        for s in sections {
            sectionNameOffsets.append(builders[shstrID]!.offset(of: s.name, original: s.originalName))
        }

        // The symbol table's records now: their names feed the string table before that table is laid out.
        var symtabRecords: [SymbolRecord] = []
        if let strID = symtabStrings {
            var names: [UInt32] = []
            names.reserveCapacity(orderedSymbols.count)
            for s in orderedSymbols {
                names.append(builders[strID]!.offset(of: s.name, original: s.originalName))
            }
            symtabRecords = try symbolRecords(orderedSymbols, nameOffsets: names)
        }

        // Section contents, headers, file offsets.
        var planned: [ELFLayout.PlannedSection] = []
        planned.reserveCapacity(sections.count)
        var offset = c.fileHeaderSize
        for (i, s) in sections.enumerated() {
            let content: ELFLayout.PlannedContent
            let size: UInt64
            switch s.content {
            case .bytes(let b):
                content = .bytes(b)
                size = UInt64(b.count)
            case .noBits(let n):
                content = .none
                size = n
            case .stringTable(let original):
                let table = builders[s.id].map { ArraySlice($0.bytes) } ?? original
                content = .bytes(table)
                size = UInt64(table.count)
            case .symbolTable:
                guard s.id == object.symbolTable else {
                    throw fail(section: s.name, "a second symbol table")
                }
                content = .symbols(symtabRecords)
                size = UInt64((symtabRecords.count + 1) * RecordLayout.of(c).symbol.size)
            case .relocations(let relocs, let rela):
                try checkRelocations(relocs, rela: rela, symbolIndex: symbolIndex, section: s.name)
                content = .relocations(relocs, rela: rela, symbols: symbolIndex)
                size = UInt64(relocs.count * RecordLayout.of(c).relocation(rela: rela).size)
            case .encodedRelocations(let table)
            where table.elfClass == c && table.byteOrder == object.header.byteOrder:
                let renumbers = try checkRelocations(table, indices: encodedIndices, section: s.name)
                content = .encodedRelocations(table, renumbered: renumbers ? encodedIndices.outputIndex : nil)
                size = UInt64(table.bytes.count)
            case .encodedRelocations(let table):
                // The header's class or byte order was changed after reading: encoded again from the records.
                let relocs = table.decoded()
                try checkRelocations(relocs, rela: table.rela, symbolIndex: symbolIndex, section: s.name)
                content = .relocations(relocs, rela: table.rela, symbols: symbolIndex)
                size = UInt64(relocs.count * RecordLayout.of(c).relocation(rela: table.rela).size)
            case .group(let flags, let members):
                var words: [UInt32] = [flags]
                for m in members { if let i = object.currentIndex(of: m) { words.append(UInt32(i)) } }
                content = .words(words)
                size = UInt64(words.count * 4)
            }
            let fileSize = s.type == .nobits ? 0 : Int(size)

            let link: UInt32 = try s.link.map { try index(of: $0, from: s.name, field: "sh_link") } ?? 0
            let info: UInt32
            switch s.info {
            case .raw(let v): info = v
            case .section(let id): info = try index(of: id, from: s.name, field: "sh_info")
            case .firstNonLocal: info = firstNonLocal
            case .symbol(let id):
                guard let i = symbolIndex[id] else {
                    throw fail(section: s.name, "sh_info refers to a symbol that was removed (\(id))")
                }
                info = UInt32(i)
            }

            let align = max(s.alignment, 1)
            var fileOffset = offset
            if s.type != .nobits {
                fileOffset = Self.align(offset, to: Int(align))
                offset = fileOffset + fileSize
            }
            if c == .elf32 {
                guard size <= c.maxWord, s.address <= c.maxWord, s.flags.rawValue <= c.maxWord,
                    s.alignment <= c.maxWord,
                    s.entrySize <= c.maxWord
                else {
                    throw fail(section: s.name, "a header field does not fit ELF32")
                }
            }
            planned.append(
                ELFLayout.PlannedSection(
                    id: s.id, name: s.name, nameOffset: sectionNameOffsets[i], type: s.type, flags: s.flags,
                    address: s.address, offset: fileOffset, size: size, link: link, info: info, alignment: s.alignment,
                    entrySize: s.entrySize, content: s.type == .nobits ? .none : content, fileSize: fileSize))
        }
        let shoff = Self.align(offset, to: c.wordSize)
        let total = shoff + (sections.count + 1) * c.sectionHeaderSize
        if c == .elf32, UInt64(total) > c.maxWord {
            throw fail("output of \(total) bytes does not fit ELF32 offsets")
        }
        let layout = ELFLayout(
            path: object.path, header: object.header, sections: planned, shstrndx: shstrIdx,
            sectionHeaderOffset: shoff, totalSize: total)
        try layout.checkOffsets()
        return layout
    }

    static func align(_ v: Int, to a: Int) -> Int {
        a <= 1 ? v : (v + a - 1) / a * a
    }

    private func symbolRecords(_ symbols: [Symbol], nameOffsets: [UInt32]) throws(ELFError) -> [SymbolRecord] {
        var records: [SymbolRecord] = []
        records.reserveCapacity(symbols.count)
        for (k, s) in symbols.enumerated() {
            var record = SymbolRecord()
            record.name = nameOffsets[k]
            record.binding = s.binding
            record.type = s.type
            record.other = s.other
            record.value = s.value
            record.size = s.size
            switch s.section {
            case .undefined: record.shndx = .undef
            case .absolute: record.shndx = .abs
            case .common: record.shndx = .common
            case .livepatch: record.shndx = .livepatch
            case .reserved(let v): record.shndx = SectionIndex(v)
            case .section(let id):
                guard let i = object.currentIndex(of: id) else {
                    throw fail(symbol: s.name, "is defined in a section that was removed (\(id))")
                }
                record.shndx = SectionIndex(UInt16(i))
            }
            guard s.value <= c.maxWord, s.size <= c.maxWord else {
                throw fail(symbol: s.name, "value or size does not fit ELF32")
            }
            records.append(record)
        }
        return records
    }

    /// Every relocation of a table can be encoded: its symbol is still in the table and its fields fit the class.
    /// The encoder relies on this and does not check again.
    private func checkRelocations(
        _ relocs: [Relocation], rela: Bool, symbolIndex: SymbolIndexTable,
        section name: String
    ) throws(ELFError) {
        let layout = RecordLayout.of(c).relocation(rela: rela)
        for (k, r) in relocs.enumerated() {
            var record = RelocationRecord()
            record.offset = r.offset
            record.type = r.type
            record.addend = rela ? r.addend : 0
            if let id = r.symbol {
                guard let i = symbolIndex[id] else {
                    throw .relocation(
                        path: object.path, section: nil, sectionName: name, index: k,
                        offset: r.offset, message: "refers to a symbol that was removed (\(id))")
                }
                guard let index = UInt32(exactly: i) else {
                    throw .relocation(
                        path: object.path, section: nil, sectionName: name, index: k,
                        offset: r.offset, message: "symbol index \(i) does not fit r_info")
                }
                record.symbol = index
            }
            guard layout.fits(record) else {
                throw .relocation(
                    path: object.path, section: nil, sectionName: name, index: k,
                    offset: r.offset, message: "does not fit ELF32")
            }
        }
    }
}

extension Planner {
    /// Every symbol index of an encoded table has a symbol in the output (the table came from the same class and
    /// byte order, so the other fields fit as they are). Returns whether any index the table uses changes.
    fileprivate func checkRelocations(
        _ table: EncodedRelocations, indices: EncodedSymbolIndices, section name: String
    ) throws(ELFError) -> Bool {
        if indices.unchanged && table.symbolBound <= indices.outputIndex.count { return false }
        // A symbol gone from the output is an error at its first record, which only the records say.
        if let used = table.usedSymbols, let renumbers = indices.renumbers(used) { return renumbers }
        var renumbers = false
        let removed: (index: Int, record: RelocationRecord)? = table.withRecords { records in
            indices.outputIndex.withUnsafeBufferPointer { output in
                for k in 0..<records.count {
                    let index = records.symbolIndex(k)
                    guard index < output.count, output[index] != EncodedSymbolIndices.removed else {
                        return (k, records.record(k))
                    }
                    if output[index] != UInt32(index) { renumbers = true }
                }
                return nil
            }
        }
        if let (k, r) = removed {
            throw .relocation(
                path: object.path, section: nil, sectionName: name, index: k, offset: r.offset,
                message: "refers to a symbol that was removed (\(SymbolID(Int(r.symbol))))")
        }
        return renumbers
    }
}

/// The output index of each symbol by input index, for relocation tables still encoded as read: their records
/// name symbols by the index the reader numbered them with, which is the symbol's identity. Covers the indices
/// those tables can hold (below their `symbolBound`); index 0 (no symbol) stays 0.
struct EncodedSymbolIndices {
    static let removed = UInt32.max
    /// `outputIndex[i]`: the output index of the symbol with identity i, or `removed`.
    let outputIndex: [UInt32]
    /// Whether every index maps to itself (nothing removed or reordered below the bound).
    let unchanged: Bool

    /// `symbolIndex`: the output index of every symbol the output keeps (the one table of them).
    init(sections: [Section], symbolIndex: SymbolIndexTable) {
        var bound = 0
        for s in sections { if case .encodedRelocations(let t) = s.content { bound = max(bound, t.symbolBound) } }
        var output = [UInt32](repeating: Self.removed, count: bound)
        if bound > 0 { output[0] = 0 }
        for id in output.indices.dropFirst() {
            if let index = symbolIndex[SymbolID(id)] { output[id] = UInt32(index) }
        }
        outputIndex = output
        unchanged = output.indices.allSatisfy { output[$0] == UInt32($0) }
    }

    /// For a table using the symbols marked in `used`: whether any of their indices changes, or nil when one of
    /// them has no output index.
    func renumbers(_ used: [Bool]) -> Bool? {
        var changes = false
        for index in used.indices where used[index] {
            guard index < outputIndex.count, outputIndex[index] != Self.removed else { return nil }
            if outputIndex[index] != UInt32(index) { changes = true }
        }
        return changes
    }
}

/// Output index (1-based) of each symbol by identity: the model's IdentityIndex over the output order (locals
/// first), so the lookup of every relocation being encoded (a large livepatch has ~140k) is an array read.
struct SymbolIndexTable {
    private let places: IdentityIndex

    init(_ ordered: [Symbol]) { places = IdentityIndex(ordered.map(\.id.rawValue)) }

    subscript(id: SymbolID) -> Int? { places[id.rawValue].map { $0 + 1 } }

    /// The index of a symbol the planner has checked is present (the encoder's inner loop: no optional).
    @inline(__always) func checkedIndex(_ id: SymbolID) -> Int { (places[id.rawValue] ?? -1) + 1 }
}

extension ELFLayout {
    /// The section header of planned section `s`.
    func record(_ s: PlannedSection) -> SectionHeaderRecord {
        var h = SectionHeaderRecord()
        h.name = s.nameOffset
        h.type = s.type
        h.flags = s.flags
        h.address = s.address
        h.offset = UInt64(s.offset)
        h.size = s.size
        h.link = s.link
        h.info = s.info
        h.alignment = s.alignment
        h.entrySize = s.entrySize
        return h
    }

    var fileHeader: FileHeaderRecord {
        let layout = RecordLayout.of(header.elfClass)
        var h = FileHeaderRecord(
            elfClass: header.elfClass, byteOrder: header.byteOrder, type: header.type,
            machine: header.machine)
        h.osABI = header.osABI
        h.abiVersion = header.abiVersion
        h.version = header.version
        h.entry = header.entry
        h.shoff = UInt64(sectionHeaderOffset)
        h.flags = header.flags
        h.ehsize = UInt16(layout.fileHeader.size)
        h.shentsize = UInt16(layout.sectionHeader.size)
        h.shnum = UInt16(sections.count + 1)
        h.shstrndx = UInt16(shstrndx)
        return h
    }

    /// The plan's own consistency: every section's bytes after the file header, in order, aligned, not
    /// overlapping, and before the section header table, which ends the file. A failure is a bug in the planner.
    func checkOffsets() throws(ELFError) {
        let layout = RecordLayout.of(header.elfClass)
        var end = layout.fileHeader.size
        for s in sections where s.type != .nobits {
            guard s.offset >= end, s.alignment <= 1 || s.offset % Int(s.alignment) == 0 else {
                throw .section(
                    path: path, index: nil, name: s.name,
                    message:
                        "planned layout is inconsistent (offset \(s.offset), size \(s.size), previous end \(end)): a bug in the writer"
                )
            }
            end = s.offset + s.fileSize
        }
        guard sectionHeaderOffset >= end,
            totalSize == sectionHeaderOffset + (sections.count + 1) * layout.sectionHeader.size
        else {
            throw .headerField(
                path: path, field: "e_shoff",
                message:
                    "section header table planned at \(sectionHeaderOffset) after contents ending at \(end), file size \(totalSize): a bug in the writer"
            )
        }
    }
}
