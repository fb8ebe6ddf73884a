// Where each field of the four ELF records the engine reads and writes sits, per class. This is the only place
// in the Swift sources that spells out ELF field offsets: the reader, the writer, the symbols-only scan and the
// tests' ELF patching all go through these tables (e2e/tools/elf_break.py keeps its own, being Python).

/// One field of a record: byte offset from the record's start and width in bytes (1, 2, 4 or 8).
struct FieldLocation: Sendable, Equatable {
    let offset: Int
    let width: Int
}

/// Elf32_Ehdr / Elf64_Ehdr. e_ident's bytes are fixed for both classes.
struct FileHeaderLayout: Sendable {
    static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    static let identClass = 4
    static let identData = 5
    static let identVersion = 6
    static let identOSABI = 7
    static let identABIVersion = 8
    /// Bytes of e_ident that every file has, whatever its class (the reader checks these before the class).
    static let identSize = 16

    let size: Int
    let type: FieldLocation
    let machine: FieldLocation
    let version: FieldLocation
    let entry: FieldLocation
    let phoff: FieldLocation
    let shoff: FieldLocation
    let flags: FieldLocation
    let ehsize: FieldLocation
    let phentsize: FieldLocation
    let phnum: FieldLocation
    let shentsize: FieldLocation
    let shnum: FieldLocation
    let shstrndx: FieldLocation

    /// After e_ident come e_type, e_machine, e_version, then three class-sized words, then 32- and 16-bit fields.
    init(wordSize w: Int) {
        type = FieldLocation(offset: 16, width: 2)
        machine = FieldLocation(offset: 18, width: 2)
        version = FieldLocation(offset: 20, width: 4)
        entry = FieldLocation(offset: 24, width: w)
        phoff = FieldLocation(offset: 24 + w, width: w)
        shoff = FieldLocation(offset: 24 + 2 * w, width: w)
        flags = FieldLocation(offset: 24 + 3 * w, width: 4)
        ehsize = FieldLocation(offset: 28 + 3 * w, width: 2)
        phentsize = FieldLocation(offset: 30 + 3 * w, width: 2)
        phnum = FieldLocation(offset: 32 + 3 * w, width: 2)
        shentsize = FieldLocation(offset: 34 + 3 * w, width: 2)
        shnum = FieldLocation(offset: 36 + 3 * w, width: 2)
        shstrndx = FieldLocation(offset: 38 + 3 * w, width: 2)
        size = 40 + 3 * w
    }
}

/// Elf32_Shdr / Elf64_Shdr: the same order in both classes; flags, addresses, offsets and sizes are words.
struct SectionHeaderLayout: Sendable {
    let size: Int
    let name: FieldLocation
    let type: FieldLocation
    let flags: FieldLocation
    let address: FieldLocation
    let offset: FieldLocation
    let sectionSize: FieldLocation
    let link: FieldLocation
    let info: FieldLocation
    let alignment: FieldLocation
    let entrySize: FieldLocation

    init(wordSize w: Int) {
        name = FieldLocation(offset: 0, width: 4)
        type = FieldLocation(offset: 4, width: 4)
        flags = FieldLocation(offset: 8, width: w)
        address = FieldLocation(offset: 8 + w, width: w)
        offset = FieldLocation(offset: 8 + 2 * w, width: w)
        sectionSize = FieldLocation(offset: 8 + 3 * w, width: w)
        link = FieldLocation(offset: 8 + 4 * w, width: 4)
        info = FieldLocation(offset: 12 + 4 * w, width: 4)
        alignment = FieldLocation(offset: 16 + 4 * w, width: w)
        entrySize = FieldLocation(offset: 16 + 5 * w, width: w)
        size = 16 + 6 * w
    }
}

/// Elf32_Sym / Elf64_Sym: the classes order the fields differently (ELF64 keeps the small ones together).
struct SymbolLayout: Sendable {
    let size: Int
    let name: FieldLocation
    let info: FieldLocation
    let other: FieldLocation
    let shndx: FieldLocation
    let value: FieldLocation
    let symbolSize: FieldLocation

    static let elf32 = SymbolLayout(
        size: 16, name: FieldLocation(offset: 0, width: 4), info: FieldLocation(offset: 12, width: 1),
        other: FieldLocation(offset: 13, width: 1), shndx: FieldLocation(offset: 14, width: 2),
        value: FieldLocation(offset: 4, width: 4), symbolSize: FieldLocation(offset: 8, width: 4))
    static let elf64 = SymbolLayout(
        size: 24, name: FieldLocation(offset: 0, width: 4), info: FieldLocation(offset: 4, width: 1),
        other: FieldLocation(offset: 5, width: 1), shndx: FieldLocation(offset: 6, width: 2),
        value: FieldLocation(offset: 8, width: 8), symbolSize: FieldLocation(offset: 16, width: 8))
}

/// Elf32_Rel(a) / Elf64_Rel(a): r_offset, r_info (symbol index and type packed), and for RELA r_addend.
struct RelocationLayout: Sendable {
    let size: Int
    let offset: FieldLocation
    let info: FieldLocation
    /// nil for SHT_REL.
    let addend: FieldLocation?
    /// r_info = symbol << symbolShift | type; ELF32_R_INFO uses 8 bits of type, ELF64_R_INFO 32.
    let symbolShift: Int

    /// The type bits of r_info.
    let typeMask: UInt64
    /// Largest symbol index r_info can hold.
    let maxSymbol: UInt64

    init(wordSize w: Int, rela: Bool) {
        offset = FieldLocation(offset: 0, width: w)
        info = FieldLocation(offset: w, width: w)
        addend = rela ? FieldLocation(offset: 2 * w, width: w) : nil
        size = (rela ? 3 : 2) * w
        symbolShift = w == 8 ? 32 : 8
        typeMask = (1 << UInt64(symbolShift)) - 1
        maxSymbol = (w == 8 ? UInt64.max : UInt64(UInt32.max)) >> UInt64(symbolShift)
    }
}

/// The layouts of one class. A class, not a struct: the tables hold some sixty fields, and a struct that size is
/// passed by value to every codec call (measured: decoding 135,000 relocations went from 1 to 6 ms).
final class RecordLayout: Sendable {
    let fileHeader: FileHeaderLayout
    let sectionHeader: SectionHeaderLayout
    let symbol: SymbolLayout
    let rel: RelocationLayout
    let rela: RelocationLayout

    init(
        fileHeader: FileHeaderLayout, sectionHeader: SectionHeaderLayout, symbol: SymbolLayout,
        rel: RelocationLayout, rela: RelocationLayout
    ) {
        self.fileHeader = fileHeader
        self.sectionHeader = sectionHeader
        self.symbol = symbol
        self.rel = rel
        self.rela = rela
    }

    func relocation(rela isRela: Bool) -> RelocationLayout { isRela ? rela : rel }

    static let elf32 = RecordLayout(
        fileHeader: FileHeaderLayout(wordSize: 4), sectionHeader: SectionHeaderLayout(wordSize: 4),
        symbol: .elf32, rel: RelocationLayout(wordSize: 4, rela: false),
        rela: RelocationLayout(wordSize: 4, rela: true))
    static let elf64 = RecordLayout(
        fileHeader: FileHeaderLayout(wordSize: 8), sectionHeader: SectionHeaderLayout(wordSize: 8),
        symbol: .elf64, rel: RelocationLayout(wordSize: 8, rela: false),
        rela: RelocationLayout(wordSize: 8, rela: true))

    static func of(_ c: ELFClass) -> RecordLayout { c == .elf64 ? elf64 : elf32 }
}
