/// Names of the relocation types the tool prints (list, TUI, check). Unknown types print as their number.
public enum RelocationTypeNames {
    public static func name(machine: UInt16, type: UInt32) -> String {
        let table: [UInt32: String]
        switch machine {
        case Machine.x86_64: table = x86_64
        case Machine.ppc64: table = ppc64
        case Machine.ppc: table = ppc
        case Machine.s390: table = s390
        case Machine.aarch64: table = aarch64
        case Machine.i386: table = i386
        default: table = [:]
        }
        return table[type] ?? "type \(type)"
    }

    static let x86_64: [UInt32: String] = [
        0: "R_X86_64_NONE", 1: "R_X86_64_64", 2: "R_X86_64_PC32", 3: "R_X86_64_GOT32", 4: "R_X86_64_PLT32",
        9: "R_X86_64_GOTPCREL", 10: "R_X86_64_32", 11: "R_X86_64_32S", 24: "R_X86_64_PC64",
        41: "R_X86_64_GOTPCRELX", 42: "R_X86_64_REX_GOTPCRELX",
    ]
    static let i386: [UInt32: String] = [0: "R_386_NONE", 1: "R_386_32", 2: "R_386_PC32", 4: "R_386_PLT32"]
    static let ppc64: [UInt32: String] = [
        0: "R_PPC64_NONE", 1: "R_PPC64_ADDR32", 10: "R_PPC64_REL24", 26: "R_PPC64_REL32", 38: "R_PPC64_ADDR64",
        44: "R_PPC64_REL64", 47: "R_PPC64_TOC16", 48: "R_PPC64_TOC16_LO", 49: "R_PPC64_TOC16_HI",
        50: "R_PPC64_TOC16_HA", 51: "R_PPC64_TOC", 63: "R_PPC64_TOC16_DS", 64: "R_PPC64_TOC16_LO_DS",
        109: "R_PPC64_ENTRY", 116: "R_PPC64_REL24_NOTOC", 5: "R_PPC64_ADDR16_LO", 6: "R_PPC64_ADDR16_HI",
        7: "R_PPC64_ADDR16_HA", 39: "R_PPC64_ADDR16_HIGHER", 41: "R_PPC64_ADDR16_HIGHEST",
    ]
    static let ppc: [UInt32: String] = [
        0: "R_PPC_NONE", 1: "R_PPC_ADDR32", 4: "R_PPC_ADDR16_LO", 5: "R_PPC_ADDR16_HI", 6: "R_PPC_ADDR16_HA",
        10: "R_PPC_REL24", 18: "R_PPC_PLTREL24", 26: "R_PPC_REL32",
    ]
    static let s390: [UInt32: String] = [
        0: "R_390_NONE", 4: "R_390_32", 5: "R_390_PC32", 19: "R_390_PC32DBL", 20: "R_390_PLT32DBL", 22: "R_390_64",
        23: "R_390_PC64", 26: "R_390_GOTENT",
    ]
    static let aarch64: [UInt32: String] = [
        0: "R_AARCH64_NONE", 257: "R_AARCH64_ABS64", 258: "R_AARCH64_ABS32", 260: "R_AARCH64_PREL64",
        261: "R_AARCH64_PREL32", 275: "R_AARCH64_ADR_PREL_PG_HI21", 277: "R_AARCH64_ADD_ABS_LO12_NC",
        278: "R_AARCH64_LDST8_ABS_LO12_NC", 282: "R_AARCH64_JUMP26", 283: "R_AARCH64_CALL26",
        284: "R_AARCH64_LDST16_ABS_LO12_NC", 285: "R_AARCH64_LDST32_ABS_LO12_NC", 286: "R_AARCH64_LDST64_ABS_LO12_NC",
        299: "R_AARCH64_LDST128_ABS_LO12_NC", 311: "R_AARCH64_ADR_GOT_PAGE", 312: "R_AARCH64_LD64_GOT_LO12_NC",
    ]
}
