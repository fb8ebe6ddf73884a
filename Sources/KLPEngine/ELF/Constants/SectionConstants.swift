// Section header vocabulary: sh_type, sh_flags, and the reserved values of a section index (st_shndx,
// e_shstrndx).

/// sh_type.
public struct SectionType: ELFConstant {
    public let rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null: SectionType = 0
    public static let progbits: SectionType = 1
    public static let symtab: SectionType = 2
    public static let strtab: SectionType = 3
    public static let rela: SectionType = 4
    public static let hash: SectionType = 5
    public static let dynamic: SectionType = 6
    public static let note: SectionType = 7
    public static let nobits: SectionType = 8
    public static let rel: SectionType = 9
    public static let shlib: SectionType = 10
    public static let dynsym: SectionType = 11
    public static let initArray: SectionType = 14
    public static let finiArray: SectionType = 15
    public static let preinitArray: SectionType = 16
    public static let group: SectionType = 17
    public static let symtabShndx: SectionType = 18
    public static let gnuAttributes: SectionType = 0x6fff_fff5
    public static let gnuHash: SectionType = 0x6fff_fff6
    public static let gnuVerdef: SectionType = 0x6fff_fffd
    public static let gnuVerneed: SectionType = 0x6fff_fffe
    public static let gnuVersym: SectionType = 0x6fff_ffff

    public static let names: [SectionType: String] = [
        null: "SHT_NULL", progbits: "SHT_PROGBITS", symtab: "SHT_SYMTAB", strtab: "SHT_STRTAB", rela: "SHT_RELA",
        hash: "SHT_HASH", dynamic: "SHT_DYNAMIC", note: "SHT_NOTE", nobits: "SHT_NOBITS", rel: "SHT_REL",
        shlib: "SHT_SHLIB", dynsym: "SHT_DYNSYM", initArray: "SHT_INIT_ARRAY", finiArray: "SHT_FINI_ARRAY",
        preinitArray: "SHT_PREINIT_ARRAY", group: "SHT_GROUP", symtabShndx: "SHT_SYMTAB_SHNDX",
        gnuAttributes: "SHT_GNU_ATTRIBUTES", gnuHash: "SHT_GNU_HASH", gnuVerdef: "SHT_GNU_verdef",
        gnuVerneed: "SHT_GNU_verneed", gnuVersym: "SHT_GNU_versym",
    ]
    public static let rangeStarts: [(start: UInt32, name: String)] = [
        (0x6000_0000, "SHT_LOOS"), (0x7000_0000, "SHT_LOPROC"), (0x8000_0000, "SHT_LOUSER"),
    ]

    /// SHT_REL or SHT_RELA.
    public var isRelocation: Bool { self == .rel || self == .rela }
}

/// sh_flags. Prints as its flag names joined by `+`, unknown bits as hex: `SHF_ALLOC+SHF_INFO_LINK+0x100`.
public struct SectionFlags: OptionSet, Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt64) { rawValue = value }

    public static let write: SectionFlags = 0x1
    public static let alloc: SectionFlags = 0x2
    public static let execinstr: SectionFlags = 0x4
    public static let merge: SectionFlags = 0x10
    public static let strings: SectionFlags = 0x20
    public static let infoLink: SectionFlags = 0x40
    public static let linkOrder: SectionFlags = 0x80
    public static let osNonconforming: SectionFlags = 0x100
    public static let group: SectionFlags = 0x200
    public static let tls: SectionFlags = 0x400
    public static let compressed: SectionFlags = 0x800
    /// SHF_RELA_LIVEPATCH: the kernel's livepatch loader applies this relocation section itself.
    public static let relaLivepatch: SectionFlags = 0x0010_0000
    public static let exclude: SectionFlags = 0x8000_0000

    static let names: [(bit: UInt64, name: String)] = [
        (write.rawValue, "SHF_WRITE"), (alloc.rawValue, "SHF_ALLOC"), (execinstr.rawValue, "SHF_EXECINSTR"),
        (merge.rawValue, "SHF_MERGE"), (strings.rawValue, "SHF_STRINGS"), (infoLink.rawValue, "SHF_INFO_LINK"),
        (linkOrder.rawValue, "SHF_LINK_ORDER"), (osNonconforming.rawValue, "SHF_OS_NONCONFORMING"),
        (group.rawValue, "SHF_GROUP"), (tls.rawValue, "SHF_TLS"), (compressed.rawValue, "SHF_COMPRESSED"),
        (relaLivepatch.rawValue, "SHF_RELA_LIVEPATCH"), (exclude.rawValue, "SHF_EXCLUDE"),
    ]

    public var description: String { ConstantName.flags(rawValue, names: Self.names) }
}

/// A section index as symbols (st_shndx) and the file header (e_shstrndx) store it: an ordinary index below
/// SHN_LORESERVE prints as its number, a reserved one by name.
public struct SectionIndex: ELFConstant, Comparable {
    public let rawValue: UInt16
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static func < (a: SectionIndex, b: SectionIndex) -> Bool { a.rawValue < b.rawValue }

    public static let undef: SectionIndex = 0
    public static let loReserve: SectionIndex = 0xff00
    /// SHN_LIVEPATCH: symbol resolved by the livepatch core, not by the module loader.
    public static let livepatch: SectionIndex = 0xff20
    public static let abs: SectionIndex = 0xfff1
    public static let common: SectionIndex = 0xfff2
    public static let xindex: SectionIndex = 0xffff

    public static let names: [SectionIndex: String] = [
        undef: "SHN_UNDEF", livepatch: "SHN_LIVEPATCH", abs: "SHN_ABS", common: "SHN_COMMON", xindex: "SHN_XINDEX",
    ]
    public static let rangeStarts: [(start: UInt16, name: String)] = [
        (0xff00, "SHN_LOPROC"), (0xff20, "SHN_LOOS"),
    ]

    /// An index in SHN_LORESERVE...0xffff, which names no section of the file.
    public var isReserved: Bool { self >= .loReserve }

    public var description: String {
        if let name { return name }
        if !isReserved { return String(rawValue) }
        return ConstantName.unknown(UInt64(rawValue), rangeStarts: Self.rangeStarts.map { (UInt64($0.start), $0.name) })
    }
}
