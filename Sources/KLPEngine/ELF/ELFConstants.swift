// Numeric constants of the ELF format that the engine needs, named as in <elf.h>.
// Only the on-disk vocabulary lives here; no logic.

public enum ELFClass: UInt8, Sendable {
    case elf32 = 1
    case elf64 = 2

    /// Size of one header field that differs between the classes (addresses, offsets, sizes).
    package var wordSize: Int { self == .elf32 ? 4 : 8 }
    package var fileHeaderSize: Int { self == .elf32 ? 52 : 64 }
    package var sectionHeaderSize: Int { self == .elf32 ? 40 : 64 }
    package var symbolSize: Int { self == .elf32 ? 16 : 24 }
    package func relocationSize(rela: Bool) -> Int {
        switch (self, rela) {
        case (.elf32, false): return 8
        case (.elf32, true): return 12
        case (.elf64, false): return 16
        case (.elf64, true): return 24
        }
    }
}

public enum ByteOrder: UInt8, Sendable {
    case little = 1
    case big = 2
}

public enum SectionType {
    public static let null: UInt32 = 0
    public static let progbits: UInt32 = 1
    public static let symtab: UInt32 = 2
    public static let strtab: UInt32 = 3
    public static let rela: UInt32 = 4
    public static let hash: UInt32 = 5
    public static let dynamic: UInt32 = 6
    public static let note: UInt32 = 7
    public static let nobits: UInt32 = 8
    public static let rel: UInt32 = 9
    public static let dynsym: UInt32 = 11
    public static let initArray: UInt32 = 14
    public static let finiArray: UInt32 = 15
    public static let preinitArray: UInt32 = 16
    public static let group: UInt32 = 17
    public static let symtabShndx: UInt32 = 18
}

public enum SectionFlags {
    public static let write: UInt64 = 0x1
    public static let alloc: UInt64 = 0x2
    public static let execinstr: UInt64 = 0x4
    public static let merge: UInt64 = 0x10
    public static let strings: UInt64 = 0x20
    public static let infoLink: UInt64 = 0x40
    public static let linkOrder: UInt64 = 0x80
    public static let group: UInt64 = 0x200
    public static let tls: UInt64 = 0x400
    /// SHF_RELA_LIVEPATCH: the kernel's livepatch loader applies this relocation section itself.
    public static let relaLivepatch: UInt64 = 0x0010_0000
}

public enum SpecialSection {
    public static let undef: UInt16 = 0
    public static let loReserve: UInt16 = 0xff00
    /// SHN_LIVEPATCH: symbol resolved by the livepatch core, not by the module loader.
    public static let livepatch: UInt16 = 0xff20
    public static let abs: UInt16 = 0xfff1
    public static let common: UInt16 = 0xfff2
    public static let xindex: UInt16 = 0xffff
}

public enum SymbolBinding {
    public static let local: UInt8 = 0
    public static let global: UInt8 = 1
    public static let weak: UInt8 = 2
}

public enum SymbolType {
    public static let notype: UInt8 = 0
    public static let object: UInt8 = 1
    public static let function: UInt8 = 2
    public static let section: UInt8 = 3
    public static let file: UInt8 = 4
}

public enum ELFFileType {
    public static let rel: UInt16 = 1
}

public enum Machine {
    public static let i386: UInt16 = 3
    public static let ppc: UInt16 = 20
    public static let ppc64: UInt16 = 21
    public static let s390: UInt16 = 22
    public static let arm: UInt16 = 40
    public static let x86_64: UInt16 = 62
    public static let aarch64: UInt16 = 183
    public static let riscv: UInt16 = 243
    public static let loongarch: UInt16 = 258

    public static func name(_ m: UInt16) -> String {
        switch m {
        case i386: return "i386"
        case ppc: return "ppc"
        case ppc64: return "ppc64"
        case s390: return "s390"
        case arm: return "arm"
        case x86_64: return "x86_64"
        case aarch64: return "aarch64"
        case riscv: return "riscv"
        case loongarch: return "loongarch"
        default: return "machine \(m)"
        }
    }
}
