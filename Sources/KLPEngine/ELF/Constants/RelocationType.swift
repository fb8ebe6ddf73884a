// Relocation types (ELF64_R_TYPE / ELF32_R_TYPE) of the machines klp-convert converts for, named as in
// <elf.h>. A type means something only with its machine, so names are looked up per machine; a type without a
// name here prints as "type N". Each machine's constants are declared once, in its namespace, and its name table
// refers to them.

/// A relocation's type field, whose meaning depends on e_machine.
public struct RelocationType: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    public let rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt32) { rawValue = value }

    /// Without a machine only the number can be printed.
    public var description: String { "type \(rawValue)" }

    /// The <elf.h> name for this type on `machine` ("R_PPC64_REL24"), or "type N".
    public func name(machine: Machine) -> String {
        Self.names(machine: machine)[self] ?? description
    }

    /// Every named type of `machine` (empty for machines without a table).
    public static func names(machine: Machine) -> [RelocationType: String] {
        switch machine {
        case .x86_64: return X86_64.names
        case .i386: return I386.names
        case .ppc64: return PPC64.names
        case .ppc: return PPC.names
        case .s390: return S390.names
        case .aarch64: return AArch64.names
        default: return [:]
        }
    }
}

extension RelocationType {
    /// R_X86_64_* (Machine.x86_64).
    public enum X86_64 {
        public static let none: RelocationType = 0
        public static let r64: RelocationType = 1
        public static let pc32: RelocationType = 2
        public static let got32: RelocationType = 3
        public static let plt32: RelocationType = 4
        public static let gotpcrel: RelocationType = 9
        public static let r32: RelocationType = 10
        public static let r32s: RelocationType = 11
        public static let pc64: RelocationType = 24
        public static let gotpcrelx: RelocationType = 41
        public static let rexGotpcrelx: RelocationType = 42

        public static let names: [RelocationType: String] = [
            none: "R_X86_64_NONE", r64: "R_X86_64_64", pc32: "R_X86_64_PC32", got32: "R_X86_64_GOT32",
            plt32: "R_X86_64_PLT32", gotpcrel: "R_X86_64_GOTPCREL", r32: "R_X86_64_32", r32s: "R_X86_64_32S",
            pc64: "R_X86_64_PC64", gotpcrelx: "R_X86_64_GOTPCRELX", rexGotpcrelx: "R_X86_64_REX_GOTPCRELX",
        ]
    }
}

extension RelocationType {
    /// R_386_* (Machine.i386).
    public enum I386 {
        public static let none: RelocationType = 0
        public static let r32: RelocationType = 1
        public static let pc32: RelocationType = 2
        public static let plt32: RelocationType = 4

        public static let names: [RelocationType: String] = [
            none: "R_386_NONE", r32: "R_386_32", pc32: "R_386_PC32", plt32: "R_386_PLT32",
        ]
    }
}

extension RelocationType {
    /// R_PPC64_* (Machine.ppc64).
    public enum PPC64 {
        public static let none: RelocationType = 0
        public static let addr32: RelocationType = 1
        public static let addr16Lo: RelocationType = 5
        public static let addr16Hi: RelocationType = 6
        public static let addr16Ha: RelocationType = 7
        public static let rel24: RelocationType = 10
        public static let rel32: RelocationType = 26
        public static let addr64: RelocationType = 38
        public static let addr16Higher: RelocationType = 39
        public static let addr16Highest: RelocationType = 41
        public static let rel64: RelocationType = 44
        public static let toc16: RelocationType = 47
        public static let toc16Lo: RelocationType = 48
        public static let toc16Hi: RelocationType = 49
        public static let toc16Ha: RelocationType = 50
        public static let toc: RelocationType = 51
        public static let toc16Ds: RelocationType = 63
        public static let toc16LoDs: RelocationType = 64
        public static let entry: RelocationType = 109
        public static let rel24Notoc: RelocationType = 116

        public static let names: [RelocationType: String] = [
            none: "R_PPC64_NONE", addr32: "R_PPC64_ADDR32", addr16Lo: "R_PPC64_ADDR16_LO",
            addr16Hi: "R_PPC64_ADDR16_HI", addr16Ha: "R_PPC64_ADDR16_HA", rel24: "R_PPC64_REL24",
            rel32: "R_PPC64_REL32", addr64: "R_PPC64_ADDR64", addr16Higher: "R_PPC64_ADDR16_HIGHER",
            addr16Highest: "R_PPC64_ADDR16_HIGHEST", rel64: "R_PPC64_REL64", toc16: "R_PPC64_TOC16",
            toc16Lo: "R_PPC64_TOC16_LO", toc16Hi: "R_PPC64_TOC16_HI", toc16Ha: "R_PPC64_TOC16_HA",
            toc: "R_PPC64_TOC", toc16Ds: "R_PPC64_TOC16_DS", toc16LoDs: "R_PPC64_TOC16_LO_DS",
            entry: "R_PPC64_ENTRY", rel24Notoc: "R_PPC64_REL24_NOTOC",
        ]
    }
}

extension RelocationType {
    /// R_PPC_* (Machine.ppc).
    public enum PPC {
        public static let none: RelocationType = 0
        public static let addr32: RelocationType = 1
        public static let addr16Lo: RelocationType = 4
        public static let addr16Hi: RelocationType = 5
        public static let addr16Ha: RelocationType = 6
        public static let rel24: RelocationType = 10
        public static let pltrel24: RelocationType = 18
        public static let rel32: RelocationType = 26

        public static let names: [RelocationType: String] = [
            none: "R_PPC_NONE", addr32: "R_PPC_ADDR32", addr16Lo: "R_PPC_ADDR16_LO", addr16Hi: "R_PPC_ADDR16_HI",
            addr16Ha: "R_PPC_ADDR16_HA", rel24: "R_PPC_REL24", pltrel24: "R_PPC_PLTREL24", rel32: "R_PPC_REL32",
        ]
    }
}

extension RelocationType {
    /// R_390_* (Machine.s390).
    public enum S390 {
        public static let none: RelocationType = 0
        public static let r32: RelocationType = 4
        public static let pc32: RelocationType = 5
        public static let pc32dbl: RelocationType = 19
        public static let plt32dbl: RelocationType = 20
        public static let r64: RelocationType = 22
        public static let pc64: RelocationType = 23
        public static let gotent: RelocationType = 26

        public static let names: [RelocationType: String] = [
            none: "R_390_NONE", r32: "R_390_32", pc32: "R_390_PC32", pc32dbl: "R_390_PC32DBL",
            plt32dbl: "R_390_PLT32DBL", r64: "R_390_64", pc64: "R_390_PC64", gotent: "R_390_GOTENT",
        ]
    }
}

extension RelocationType {
    /// R_AARCH64_* (Machine.aarch64).
    public enum AArch64 {
        public static let none: RelocationType = 0
        public static let abs64: RelocationType = 257
        public static let abs32: RelocationType = 258
        public static let prel64: RelocationType = 260
        public static let prel32: RelocationType = 261
        public static let adrPrelPgHi21: RelocationType = 275
        public static let addAbsLo12Nc: RelocationType = 277
        public static let ldst8AbsLo12Nc: RelocationType = 278
        public static let jump26: RelocationType = 282
        public static let call26: RelocationType = 283
        public static let ldst16AbsLo12Nc: RelocationType = 284
        public static let ldst32AbsLo12Nc: RelocationType = 285
        public static let ldst64AbsLo12Nc: RelocationType = 286
        public static let ldst128AbsLo12Nc: RelocationType = 299
        public static let movwGotoffG0: RelocationType = 300
        public static let gotrel64: RelocationType = 307
        public static let gotrel32: RelocationType = 308
        public static let gotLdPrel19: RelocationType = 309
        public static let ld64GotoffLo15: RelocationType = 310
        public static let adrGotPage: RelocationType = 311
        public static let ld64GotLo12Nc: RelocationType = 312
        public static let ld64GotpageLo15: RelocationType = 313

        public static let names: [RelocationType: String] = [
            none: "R_AARCH64_NONE", abs64: "R_AARCH64_ABS64", abs32: "R_AARCH64_ABS32", prel64: "R_AARCH64_PREL64",
            prel32: "R_AARCH64_PREL32", adrPrelPgHi21: "R_AARCH64_ADR_PREL_PG_HI21",
            addAbsLo12Nc: "R_AARCH64_ADD_ABS_LO12_NC", ldst8AbsLo12Nc: "R_AARCH64_LDST8_ABS_LO12_NC",
            jump26: "R_AARCH64_JUMP26", call26: "R_AARCH64_CALL26", ldst16AbsLo12Nc: "R_AARCH64_LDST16_ABS_LO12_NC",
            ldst32AbsLo12Nc: "R_AARCH64_LDST32_ABS_LO12_NC", ldst64AbsLo12Nc: "R_AARCH64_LDST64_ABS_LO12_NC",
            ldst128AbsLo12Nc: "R_AARCH64_LDST128_ABS_LO12_NC", movwGotoffG0: "R_AARCH64_MOVW_GOTOFF_G0",
            gotrel64: "R_AARCH64_GOTREL64", gotrel32: "R_AARCH64_GOTREL32", gotLdPrel19: "R_AARCH64_GOT_LD_PREL19",
            ld64GotoffLo15: "R_AARCH64_LD64_GOTOFF_LO15", adrGotPage: "R_AARCH64_ADR_GOT_PAGE",
            ld64GotLo12Nc: "R_AARCH64_LD64_GOT_LO12_NC", ld64GotpageLo15: "R_AARCH64_LD64_GOTPAGE_LO15",
        ]
    }
}
