// The four records as stored, decoded into class-neutral values (words widened to 64 bits), before any
// interpretation: what the codec reads and writes.

/// Elf32_Ehdr / Elf64_Ehdr.
public struct FileHeaderRecord: Sendable, Equatable {
    public var elfClass: ELFClass
    public var byteOrder: ByteOrder
    public var identVersion: UInt8 = 1
    public var osABI: UInt8 = 0
    public var abiVersion: UInt8 = 0
    public var type: ELFFileType
    public var machine: Machine
    public var version: UInt32 = 1
    public var entry: UInt64 = 0
    public var phoff: UInt64 = 0
    public var shoff: UInt64 = 0
    public var flags: UInt32 = 0
    public var ehsize: UInt16 = 0
    public var phentsize: UInt16 = 0
    public var phnum: UInt16 = 0
    public var shentsize: UInt16 = 0
    public var shnum: UInt16 = 0
    public var shstrndx: UInt16 = 0

    public init(elfClass: ELFClass, byteOrder: ByteOrder, type: ELFFileType, machine: Machine) {
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        self.type = type
        self.machine = machine
    }
}

/// Elf32_Shdr / Elf64_Shdr.
public struct SectionHeaderRecord: Sendable, Equatable {
    public var name: UInt32 = 0
    public var type: SectionType = .null
    public var flags: SectionFlags = []
    public var address: UInt64 = 0
    public var offset: UInt64 = 0
    public var size: UInt64 = 0
    public var link: UInt32 = 0
    public var info: UInt32 = 0
    public var alignment: UInt64 = 0
    public var entrySize: UInt64 = 0

    public init() {}
}

/// Elf32_Sym / Elf64_Sym, with st_info split.
public struct SymbolRecord: Sendable, Equatable {
    public var name: UInt32 = 0
    public var binding: SymbolBinding = .local
    public var type: SymbolType = .notype
    public var other: UInt8 = 0
    public var shndx: SectionIndex = .undef
    public var value: UInt64 = 0
    public var size: UInt64 = 0

    public init() {}
}

/// Elf32_Rel(a) / Elf64_Rel(a), with r_info split; addend is 0 for SHT_REL.
public struct RelocationRecord: Sendable, Equatable {
    public var offset: UInt64 = 0
    public var symbol: UInt32 = 0
    public var type: RelocationType = 0
    public var addend: Int64 = 0

    public init() {}
}
