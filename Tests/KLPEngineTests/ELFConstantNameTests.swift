import Testing

@testable import KLPEngine

/// The named ELF constants print as <elf.h> does (and readelf, less its prefixes): known values by name, values
/// in an OS or processor range as the range plus a hex offset, anything else as hex.
@Suite struct ELFConstantNameTests {
    @Test(arguments: [
        (SectionType.progbits, "SHT_PROGBITS"), (.rela, "SHT_RELA"), (.nobits, "SHT_NOBITS"), (.group, "SHT_GROUP"),
        (.symtabShndx, "SHT_SYMTAB_SHNDX"), (.gnuHash, "SHT_GNU_HASH"), (SectionType(19), "0x13"),
        (SectionType(0x6000_0005), "SHT_LOOS+0x5"), (SectionType(0x7000_0001), "SHT_LOPROC+0x1"),
        (SectionType(0x8000_0000), "SHT_LOUSER"),
    ])
    func sectionTypes(value: SectionType, name: String) {
        #expect(value.description == name)
        #expect("\(value)" == name)
    }

    @Test(arguments: [
        (SectionFlags([.alloc, .infoLink, .relaLivepatch]), "SHF_ALLOC+SHF_INFO_LINK+SHF_RELA_LIVEPATCH"),
        (SectionFlags(rawValue: 0x42 | 0x1000), "SHF_ALLOC+SHF_INFO_LINK+0x1000"),
        (SectionFlags([.write, .alloc, .execinstr]), "SHF_WRITE+SHF_ALLOC+SHF_EXECINSTR"),
        (SectionFlags(rawValue: 0x4000_0000), "0x40000000"), (SectionFlags([]), "0"),
    ])
    func sectionFlags(value: SectionFlags, name: String) {
        #expect(value.description == name)
    }

    @Test(arguments: [
        (SectionIndex.undef, "SHN_UNDEF"), (SectionIndex(5), "5"), (.livepatch, "SHN_LIVEPATCH"), (.abs, "SHN_ABS"),
        (.common, "SHN_COMMON"), (.xindex, "SHN_XINDEX"), (SectionIndex(0xff05), "SHN_LOPROC+0x5"),
        (SectionIndex(0xff21), "SHN_LOOS+0x1"),
    ])
    func sectionIndices(value: SectionIndex, name: String) {
        #expect(value.description == name)
        #expect(value.isReserved == (value.rawValue >= 0xff00))
    }

    @Test func symbolBindingsAndTypes() {
        #expect(SymbolBinding.local.description == "STB_LOCAL")
        #expect(SymbolBinding.weak.description == "STB_WEAK")
        #expect(SymbolBinding(11).description == "STB_LOOS+0x1")
        #expect(SymbolBinding(3).description == "0x3")
        #expect(SymbolType.function.description == "STT_FUNC")
        #expect(SymbolType.file.description == "STT_FILE")
        #expect(SymbolType(13).description == "STT_LOPROC")
        #expect(SymbolType(7).description == "0x7")
        for info in 0...UInt8.max {
            let (binding, type) = SymbolInfo.unpack(info)
            #expect(SymbolInfo.pack(binding: binding, type: type) == info)
        }
    }

    @Test func fileTypesAndMachines() {
        #expect(ELFFileType.rel.description == "ET_REL")
        #expect(ELFFileType(2).description == "ET_EXEC")
        #expect(ELFFileType(0xfe01).description == "ET_LOOS+0x1")
        #expect(ELFFileType(0xff00).description == "ET_LOPROC")
        #expect(ELFFileType(7).description == "0x7")
        #expect(Machine(62).description == "EM_X86_64")
        #expect(Machine.aarch64.description == "EM_AARCH64")
        #expect(Machine(999).description == "0x3e7")
        #expect(Machine.x86_64.shortName == "x86_64")
        #expect(Machine.ppc64.shortName == "ppc64")
        #expect(Machine(999).shortName == "machine 999")
    }

    @Test(arguments: [
        (Machine.x86_64, RelocationType.X86_64.pc32, "R_X86_64_PC32"),
        (.x86_64, RelocationType.X86_64.rexGotpcrelx, "R_X86_64_REX_GOTPCRELX"),
        (.ppc64, RelocationType.PPC64.rel24, "R_PPC64_REL24"), (.ppc64, RelocationType.PPC64.toc, "R_PPC64_TOC"),
        (.ppc, RelocationType.PPC.rel24, "R_PPC_REL24"), (.s390, RelocationType.S390.pc32dbl, "R_390_PC32DBL"),
        (.aarch64, RelocationType.AArch64.call26, "R_AARCH64_CALL26"),
        (.aarch64, RelocationType.AArch64.movwGotoffG0, "R_AARCH64_MOVW_GOTOFF_G0"),
        (.i386, RelocationType.I386.pc32, "R_386_PC32"),
        (.aarch64, RelocationType(9999), "type 9999"), (.riscv, RelocationType(1), "type 1"),
    ])
    func relocationTypesAreNamedPerMachine(machine: Machine, type: RelocationType, name: String) {
        #expect(type.name(machine: machine) == name)
    }

    /// The same number means different relocations on different machines.
    @Test func relocationNumbersDependOnTheMachine() {
        let ten = RelocationType(10)
        #expect(ten.name(machine: .x86_64) == "R_X86_64_32")
        #expect(ten.name(machine: .ppc64) == "R_PPC64_REL24")
        #expect(ten.name(machine: .ppc) == "R_PPC_REL24")
        #expect(ten.description == "type 10")
    }

    /// Every name in a table is spelled as readelf prints it: no two values share a name, every name has the
    /// machine's prefix.
    @Test func relocationTablesAreConsistent() {
        let prefixes: [(Machine, String)] = [
            (.x86_64, "R_X86_64_"), (.i386, "R_386_"), (.ppc64, "R_PPC64_"), (.ppc, "R_PPC_"), (.s390, "R_390_"),
            (.aarch64, "R_AARCH64_"),
        ]
        for (machine, prefix) in prefixes {
            let names = RelocationType.names(machine: machine)
            #expect(!names.isEmpty)
            #expect(Set(names.values).count == names.count, "\(machine)")
            #expect(names.values.allSatisfy { $0.hasPrefix(prefix) }, "\(machine)")
        }
    }
}
