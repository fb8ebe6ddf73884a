import Foundation
import KLPTestSupport
import Testing

/// The readelf parser the cross-architecture tests rely on, on the line shapes GNU readelf 2.40
/// prints for ELF64 and ELF32, SHN_LIVEPATCH symbols, ppc64 local-entry notes and symbol-less
/// relocations; and the message a missing tool gives.
@Suite("Fixture readelf parser")
struct ReadelfParserTests {
    static let sample = """
        ELF Header:
          Class:                             ELF64
          Data:                              2's complement, big endian
          Type:                              REL (Relocatable file)
          Machine:                           IBM S/390
          Flags:                             0x0

        Section Headers:
          [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al
          [ 0]                   NULL            0000000000000000 000000 000000 00      0   0  0
          [ 1] .text             PROGBITS        0000000000000000 000040 0000bc 00  AX  0   0 16
          [ 2] .rela.text        RELA            0000000000000000 0012d8 000270 18   I  4   1  8
          [ 3] .klp.rela.vmlinux..text RELA            0000000000000000 001fe8 000060 18 AIo  4   1  8
          [ 4] .symtab           SYMTAB          0000000000000000 000be0 000558 18      5   3  8
        Key to Flags:
          W (write), A (alloc), X (execute), M (merge), S (strings), I (info),

        Symbol table '.symtab' contains 4 entries:
           Num:    Value          Size Type    Bind   Vis      Ndx Name
             0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND 
             1: 0000000000000010    44 FUNC    GLOBAL DEFAULT [<localentry>: 8]     1 lp_print_main
             2: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT OS [0xff20] .klp.sym.vmlinux.klp_string.67890,1
             3: 0000000000000000     0 NOTYPE  WEAK   DEFAULT  UND klp_optional_hook

        Relocation section '.rela.text' at offset 0x12d8 contains 2 entries:
            Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
        0000000000000001  0000000300000004 R_X86_64_PLT32         0000000000000000 klp_optional_hook - 4
        0000000000000008  0000000000000033 R_PPC64_TOC                               0

        Relocation section '.klp.rela.vmlinux..text' at offset 0x1fe8 contains 1 entry:
         Offset     Info    Type                Sym. Value  Symbol's Name + Addend
        00000024  00000201 R_PPC_ADDR32           00000000   .klp.sym.vmlinux.klp_string.67890,1 + 1c
        """

    @Test func parsesEveryLineShape() throws {
        let dump = try Readelf.parse(Self.sample, file: "sample")
        #expect(dump.header.elfClass == "ELF64")
        #expect(dump.header.machine == "IBM S/390")
        #expect(dump.sections.map(\.name) == ["", ".text", ".rela.text", ".klp.rela.vmlinux..text", ".symtab"])
        let klp = try #require(dump.section(named: ".klp.rela.vmlinux..text"))
        #expect(klp.flags == "AIo" && klp.link == 4 && klp.info == 1 && klp.entrySize == 24 && klp.alignment == 8)
        #expect(dump.section(named: "")?.flags == "")
        #expect(dump.symbols.count == 4)
        #expect(dump.symbols[1].visibility == "DEFAULT [<localentry>: 8]" && dump.symbols[1].sectionIndex == "1")
        #expect(dump.symbols[2].sectionIndex == "OS [0xff20]")
        #expect(dump.symbols[2].name == ".klp.sym.vmlinux.klp_string.67890,1")
        #expect(dump.symbols[3].bind == "WEAK" && dump.symbols[3].sectionIndex == "UND")
        #expect(
            dump.relocations(in: ".rela.text").map { RelocationRow($0) } == [
                RelocationRow(
                    .init(
                        offset: 1, info: 0x3_0000_0004, type: "R_X86_64_PLT32",
                        symbolName: "klp_optional_hook", addend: -4)),
                RelocationRow(.init(offset: 8, info: 0x33, type: "R_PPC64_TOC", symbolName: nil, addend: 0)),
            ])
        let elf32 = try #require(dump.relocations(in: ".klp.rela.vmlinux..text").first)
        #expect(elf32.offset == 0x24 && elf32.type == "R_PPC_ADDR32" && elf32.addend == 0x1c)
        #expect(elf32.symbolName == ".klp.sym.vmlinux.klp_string.67890,1")
    }

    @Test func unexpectedLinesAreErrorsNotSilentlyDropped() {
        let broken = """
            Section Headers:
              [ 1] .text             PROGBITS        not-hex
            """
        #expect(throws: ReadelfParseError.self) { try Readelf.parse(broken, file: "broken") }
    }

    @Test func aMissingToolSaysWhatToInstall() {
        #expect {
            try Tool.require("powerpc-linux-gnu-gcc-that-does-not-exist")
        } throws: { error in
            "\(error)".contains("not found on PATH")
        }
        #expect {
            try Tool.run("klp-fixture-no-such-tool", [])
        } throws: { error in
            "\(error)".contains("klp-fixture-no-such-tool: not found on PATH")
        }
    }
}
