// The four records as stored, decoded into class-neutral values (words widened to 64 bits), before any
// interpretation: what the codec reads and writes.

/// Elf32_Ehdr / Elf64_Ehdr.
struct FileHeaderRecord: Sendable, Equatable {
    var elfClass: ELFClass
    var byteOrder: ByteOrder
    var identVersion: UInt8 = 1
    var osABI: UInt8 = 0
    var abiVersion: UInt8 = 0
    var type: ELFFileType
    var machine: Machine
    var version: UInt32 = 1
    var entry: UInt64 = 0
    var phoff: UInt64 = 0
    var shoff: UInt64 = 0
    var flags: UInt32 = 0
    var ehsize: UInt16 = 0
    var phentsize: UInt16 = 0
    var phnum: UInt16 = 0
    var shentsize: UInt16 = 0
    var shnum: UInt16 = 0
    var shstrndx: UInt16 = 0

    init(elfClass: ELFClass, byteOrder: ByteOrder, type: ELFFileType, machine: Machine) {
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        self.type = type
        self.machine = machine
    }
}

/// Elf32_Shdr / Elf64_Shdr.
struct SectionHeaderRecord: Sendable, Equatable {
    var name: UInt32 = 0
    var type: SectionType = .null
    var flags: SectionFlags = []
    var address: UInt64 = 0
    var offset: UInt64 = 0
    var size: UInt64 = 0
    var link: UInt32 = 0
    var info: UInt32 = 0
    var alignment: UInt64 = 0
    var entrySize: UInt64 = 0

    init() {}
}

/// Elf32_Sym / Elf64_Sym, with st_info split.
struct SymbolRecord: Sendable, Equatable {
    var name: UInt32 = 0
    var binding: SymbolBinding = .local
    var type: SymbolType = .notype
    var other: UInt8 = 0
    var shndx: SectionIndex = .undef
    var value: UInt64 = 0
    var size: UInt64 = 0

    init() {}
}

/// Elf32_Rel(a) / Elf64_Rel(a), with r_info split; addend is 0 for SHT_REL.
struct RelocationRecord: Sendable, Equatable {
    var offset: UInt64 = 0
    var symbol: UInt32 = 0
    var type: RelocationType = 0
    var addend: Int64 = 0

    init() {}
}
