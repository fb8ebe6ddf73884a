// The editable ELF model. Sections and symbols carry stable identities (SectionID, SymbolID) that survive
// removal and insertion; every index-bearing field refers to an identity, and the writer turns identities back
// into indices when it plans the output layout. That is what makes deletions of annotation sections safe.

public struct SectionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: SectionID, b: SectionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "section#\(rawValue)" }
}

public struct SymbolID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: SymbolID, b: SymbolID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "symbol#\(rawValue)" }
}

/// What a symbol's st_shndx says.
public enum SymbolSection: Hashable, Sendable {
    case undefined
    case section(SectionID)
    case absolute
    case common
    /// SHN_LIVEPATCH (0xff20): resolved by the livepatch core.
    case livepatch
    /// Any other reserved index, kept as it was.
    case reserved(UInt16)

    public var isDefinedInFile: Bool {
        if case .section = self { return true }
        return false
    }
}

public struct Symbol: Sendable, Equatable {
    public let id: SymbolID
    public var name: String
    public var binding: SymbolBinding
    public var type: SymbolType
    public var other: UInt8
    public var section: SymbolSection
    public var value: UInt64
    public var size: UInt64
    /// Offset of the name in the string table it was read from; reused by the writer while the name is unchanged,
    /// so an unchanged object keeps its string table byte for byte (also for names that are not valid UTF-8).
    var originalName: (offset: UInt32, name: String)?

    public init(
        id: SymbolID, name: String, binding: SymbolBinding, type: SymbolType, other: UInt8 = 0,
        section: SymbolSection, value: UInt64 = 0, size: UInt64 = 0
    ) {
        self.id = id
        self.name = name
        self.binding = binding
        self.type = type
        self.other = other
        self.section = section
        self.value = value
        self.size = size
    }

    public var isUndefined: Bool { section == .undefined }
    public var isLocal: Bool { binding == .local }
    public var isWeak: Bool { binding == .weak }

    public static func == (a: Symbol, b: Symbol) -> Bool {
        a.id == b.id && a.name == b.name && a.binding == b.binding && a.type == b.type && a.other == b.other
            && a.section == b.section && a.value == b.value && a.size == b.size
    }
}

public struct Relocation: Sendable, Equatable {
    public var offset: UInt64
    /// nil for relocations with symbol index 0.
    public var symbol: SymbolID?
    public var type: RelocationType
    /// Explicit addend (SHT_RELA); 0 and unused for SHT_REL.
    public var addend: Int64

    public init(offset: UInt64, symbol: SymbolID?, type: RelocationType, addend: Int64) {
        self.offset = offset
        self.symbol = symbol
        self.type = type
        self.addend = addend
    }
}

/// What sh_info holds. Its meaning depends on the section type, so the reader decodes it once.
public enum SectionInfo: Hashable, Sendable {
    case raw(UInt32)
    /// Relocation target, or any SHF_INFO_LINK section reference.
    case section(SectionID)
    /// SHT_GROUP signature symbol.
    case symbol(SymbolID)
    /// SHT_SYMTAB: index of the first non-local symbol, computed by the writer.
    case firstNonLocal
}

public enum SectionContent: Sendable, Equatable {
    /// Kept byte for byte (PROGBITS, notes, unknown types).
    case bytes(ArraySlice<UInt8>)
    case noBits(size: UInt64)
    /// Generated from `ELFObject.symbols`.
    case symbolTable
    /// The original bytes; the writer appends names that are new.
    case stringTable(ArraySlice<UInt8>)
    /// A relocation table as a list: built in memory, or read and then changed.
    case relocations([Relocation], rela: Bool)
    /// A relocation table as the reader found it, still encoded (see EncodedRelocations): what every relocation
    /// section is until something changes it.
    case encodedRelocations(EncodedRelocations)
    case group(flags: UInt32, members: [SectionID])

    /// Whether a relocation table has explicit addends (SHT_RELA entries); nil for other contents.
    public var relocationsAreRela: Bool? {
        switch self {
        case .relocations(_, let rela): return rela
        case .encodedRelocations(let e): return e.rela
        default: return nil
        }
    }

    /// A relocation table compares by its records, encoded or not: the same table read and then rebuilt as a
    /// list is the same content.
    public static func == (a: SectionContent, b: SectionContent) -> Bool {
        switch (a, b) {
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.noBits(let x), .noBits(let y)): return x == y
        case (.symbolTable, .symbolTable): return true
        case (.stringTable(let x), .stringTable(let y)): return x == y
        case (.relocations(let x, let xRela), .relocations(let y, let yRela)): return xRela == yRela && x == y
        case (.encodedRelocations(let x), .encodedRelocations(let y)) where x == y: return true
        case (.relocations, .encodedRelocations), (.encodedRelocations, .relocations),
            (.encodedRelocations, .encodedRelocations):
            return a.relocationsAreRela == b.relocationsAreRela && a.decodedRelocations == b.decodedRelocations
        case (.group(let xFlags, let x), .group(let yFlags, let y)): return xFlags == yFlags && x == y
        default: return false
        }
    }

    /// Record `k` of a relocation table, decoded alone if the table is encoded; nil when there is no such record.
    func relocation(at k: Int) -> Relocation? {
        switch self {
        case .relocations(let r, _): return r.indices.contains(k) ? r[k] : nil
        case .encodedRelocations(let e): return k >= 0 && k < e.count ? e.relocation(at: k) : nil
        default: return nil
        }
    }

    /// The records of a relocation table, decoded if they are encoded; empty for other contents.
    var decodedRelocations: [Relocation] {
        switch self {
        case .relocations(let r, _): return r
        case .encodedRelocations(let e): return e.decoded()
        default: return []
        }
    }
}

public struct Section: Sendable, Equatable {
    public let id: SectionID
    public var name: String
    public var type: SectionType
    public var flags: SectionFlags
    public var address: UInt64
    public var alignment: UInt64
    public var entrySize: UInt64
    public var link: SectionID?
    public var info: SectionInfo
    public var content: SectionContent
    var originalName: (offset: UInt32, name: String)?

    public init(
        id: SectionID, name: String, type: SectionType, flags: SectionFlags, address: UInt64 = 0,
        alignment: UInt64, entrySize: UInt64 = 0, link: SectionID? = nil, info: SectionInfo = .raw(0),
        content: SectionContent
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.flags = flags
        self.address = address
        self.alignment = alignment
        self.entrySize = entrySize
        self.link = link
        self.info = info
        self.content = content
    }

    public var isRelocation: Bool { type.isRelocation }

    /// The section a relocation section applies to (sh_info), if any.
    public var relocationTarget: SectionID? {
        guard isRelocation, case .section(let target) = info else { return nil }
        return target
    }

    /// The relocation records (empty for a section that holds none), decoded on each call if the section is
    /// still encoded as read: a caller that reads them more than once keeps the array.
    public var relocations: [Relocation] { content.decodedRelocations }

    /// The number of relocation records, without decoding them.
    public var relocationCount: Int {
        switch content {
        case .relocations(let r, _): return r.count
        case .encodedRelocations(let e): return e.count
        default: return 0
        }
    }

    /// Size of the section contents as they are now (the writer may append to string tables).
    public var size: UInt64 {
        switch content {
        case .bytes(let b): return UInt64(b.count)
        case .noBits(let s): return s
        case .stringTable(let b): return UInt64(b.count)
        case .symbolTable, .relocations, .encodedRelocations, .group: return 0  // computed by the writer
        }
    }

    public static func == (a: Section, b: Section) -> Bool {
        a.id == b.id && a.name == b.name && a.type == b.type && a.flags == b.flags && a.address == b.address
            && a.alignment == b.alignment && a.entrySize == b.entrySize && a.link == b.link && a.info == b.info
            && a.content == b.content
    }
}

public struct ELFHeader: Sendable, Equatable {
    public var elfClass: ELFClass
    public var byteOrder: ByteOrder
    public var osABI: UInt8
    public var abiVersion: UInt8
    public var type: ELFFileType
    public var machine: Machine
    public var version: UInt32
    public var entry: UInt64
    public var flags: UInt32

    public init(
        elfClass: ELFClass, byteOrder: ByteOrder, osABI: UInt8, abiVersion: UInt8, type: ELFFileType,
        machine: Machine, version: UInt32, entry: UInt64, flags: UInt32
    ) {
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        self.osABI = osABI
        self.abiVersion = abiVersion
        self.type = type
        self.machine = machine
        self.version = version
        self.entry = entry
        self.flags = flags
    }
}

/// An ET_REL object: header, sections in order, symbols of the one .symtab in order (without the null symbol).
public struct ELFObject: Sendable {
    public var path: String
    public var header: ELFHeader
    public private(set) var sections: [Section]
    public private(set) var symbols: [Symbol]
    /// The section holding `symbols`, if the object has a symbol table.
    public var symbolTable: SectionID?
    public var sectionNameTable: SectionID?
    /// The bytes the object was read from (nil for an object built in memory): a conversion that changes
    /// nothing writes them back as they were (a re-layout would change bytes, and a module signature with them).
    public internal(set) var inputBytes: [UInt8]?

    /// Where each section and symbol is, by identity: see `IdentityIndex`.
    private var sectionIndex = IdentityIndex()
    private var symbolIndex = IdentityIndex()
    private var nextSectionID: Int
    private var nextSymbolID: Int

    public init(
        path: String, header: ELFHeader, sections: [Section], symbols: [Symbol],
        symbolTable: SectionID?, sectionNameTable: SectionID?
    ) {
        self.path = path
        self.header = header
        self.sections = sections
        self.symbols = symbols
        self.symbolTable = symbolTable
        self.sectionNameTable = sectionNameTable
        nextSectionID = (sections.map(\.id.rawValue).max() ?? 0) + 1
        nextSymbolID = (symbols.map(\.id.rawValue).max() ?? 0) + 1
        rebuildSectionIndex()
        rebuildSymbolIndex()
    }

    private mutating func rebuildSectionIndex() {
        sectionIndex = IdentityIndex(sections.indices.map { sections[$0].id.rawValue })
    }

    private mutating func rebuildSymbolIndex() {
        symbolIndex = IdentityIndex(symbols.indices.map { symbols[$0].id.rawValue })
    }

    // MARK: lookup

    public func section(_ id: SectionID) -> Section? {
        sectionIndex[id.rawValue].map { sections[$0] }
    }

    public func section(named name: String) -> Section? {
        sections.first { $0.name == name }
    }

    public func symbol(_ id: SymbolID) -> Symbol? {
        symbolIndex[id.rawValue].map { symbols[$0] }
    }

    /// ELF index the section would have if written now (1-based; 0 is the null section).
    public func currentIndex(of id: SectionID) -> Int? {
        sectionIndex[id.rawValue].map { $0 + 1 }
    }

    // MARK: editing

    public mutating func updateSection(_ id: SectionID, _ change: (inout Section) -> Void) {
        guard let i = sectionIndex[id.rawValue] else { return }
        change(&sections[i])
    }

    public mutating func updateSymbol(_ id: SymbolID, _ change: (inout Symbol) -> Void) {
        guard let i = symbolIndex[id.rawValue] else { return }
        change(&symbols[i])
    }

    /// Adds a section at the end of the section list and returns its identity.
    @discardableResult
    public mutating func appendSection(
        name: String, type: SectionType, flags: SectionFlags, alignment: UInt64,
        entrySize: UInt64, link: SectionID?, info: SectionInfo,
        content: SectionContent
    ) -> SectionID {
        let id = SectionID(nextSectionID)
        nextSectionID += 1
        sections.append(
            Section(
                id: id, name: name, type: type, flags: flags, alignment: alignment,
                entrySize: entrySize, link: link, info: info, content: content))
        sectionIndex[id.rawValue] = sections.count - 1
        return id
    }

    /// Adds a symbol; the writer keeps locals before globals whatever the insertion order.
    @discardableResult
    public mutating func appendSymbol(
        name: String, binding: SymbolBinding, type: SymbolType, other: UInt8 = 0,
        section: SymbolSection, value: UInt64 = 0, size: UInt64 = 0
    ) -> SymbolID {
        let id = SymbolID(nextSymbolID)
        nextSymbolID += 1
        symbols.append(
            Symbol(
                id: id, name: name, binding: binding, type: type, other: other, section: section,
                value: value, size: size))
        symbolIndex[id.rawValue] = symbols.count - 1
        return id
    }

    /// Removes sections. Fields that referred to them are cleaned up by the caller or reported by the writer.
    public mutating func removeSections(_ ids: Set<SectionID>) {
        guard !ids.isEmpty else { return }
        Self.remove(places: ids.compactMap { sectionIndex[$0.rawValue] }, from: &sections)
        rebuildSectionIndex()
    }

    public mutating func removeSymbols(_ ids: Set<SymbolID>) {
        guard !ids.isEmpty else { return }
        Self.remove(places: ids.compactMap { symbolIndex[$0.rawValue] }, from: &symbols)
        rebuildSymbolIndex()
    }

    /// Removes the elements at `places`, keeping the order of the rest: found through the index, not by hashing
    /// the identity of every element.
    private static func remove<Element>(places: [Int], from elements: inout [Element]) {
        guard !places.isEmpty else { return }
        var goes = [Bool](repeating: false, count: elements.count)
        for place in places { goes[place] = true }
        var kept = 0
        for place in elements.indices where !goes[place] {
            if kept != place { elements.swapAt(kept, place) }
            kept += 1
        }
        elements.removeLast(elements.count - kept)
    }
}

/// Positions by identity. Identities are dense (the reader numbers sections and symbols from 1 in file order,
/// appends continue after the largest), so an array indexed by raw value answers where a dictionary hashed, and a
/// rebuild after a removal is one pass. Identities an array cannot hold (negative, or far beyond the count: only a
/// model built by hand) go to a dictionary. The writer's output index of each symbol uses it too (SymbolIndexTable).
struct IdentityIndex {
    private var places: [Int32] = []
    private var others: [Int: Int] = [:]

    init() {}

    init(_ ids: [Int]) {
        let top = ids.max() ?? -1
        if top >= 0 && top < ids.count * 2 + 1024 { places = [Int32](repeating: -1, count: top + 1) }
        for (place, id) in ids.enumerated() { self[id] = place }
    }

    subscript(id: Int) -> Int? {
        get {
            if places.indices.contains(id) { return places[id] < 0 ? nil : Int(places[id]) }
            return others.isEmpty ? nil : others[id]
        }
        set {
            if id >= places.count && id < places.count + 1024 {
                places += [Int32](repeating: -1, count: id + 1 - places.count)
                // Identities of a hand-built model that the array now covers move into it.
                for (other, place) in others where places.indices.contains(other) {
                    places[other] = Int32(place)
                    others[other] = nil
                }
            }
            if places.indices.contains(id) {
                places[id] = Int32(newValue ?? -1)
            } else {
                others[id] = newValue
            }
        }
    }
}
