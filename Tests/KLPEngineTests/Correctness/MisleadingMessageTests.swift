import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 item 10: messages that named the wrong problem (the others are in AnnotationUseTests and
/// ExistingLivepatchSymbolTests, next to their subject).
@Suite struct MisleadingMessageTests {
    /// A relocation in a section the loader never loads is refused for that reason.
    @Test func nonAllocSectionSaysTheKernelNeverAppliesIt() throws {
        let run = try DropInRun.make(
            """
            extern char saved_command_line[];
            asm(".section .klp_notes,\\"\\",@progbits\\n.quad saved_command_line\\n.previous");
            """)
        #expect(try Readelf(run.input).section(named: ".klp_notes")?.flags.contains("A") == false)
        let r = try run.convert()
        try run.expectRefused(r, [".klp_notes is not SHF_ALLOC: the module loader does not load it"])
        #expect(!r.stderr.contains("before klp relocations can be resolved"), "\(r.stderr)")
    }

    /// An SHT_REL klp section with Elf64_Rela-sized entries: the type is wrong, not the size.
    @Test func relKlpSectionOnX86_64SaysTheTypeIsWrong() throws {
        let run = try DropInRun.make(ExistingLivepatchSymbolTests.source)
        run.expectConverted(try run.convert())
        let index = try #require(try Readelf(run.output).section(named: ".klp.rela.vmlinux..text")?.index)
        var bytes = try FileIO.readAll(path: run.output)
        let shoff = (0..<8).reduce(0) { $0 | Int(bytes[0x28 + $1]) << (8 * $1) }
        bytes[shoff + index * 64 + 4] = 9  // sh_type = SHT_REL
        try FileIO.writeAtomically(bytes, to: "\(run.dir)/rel.ko")
        let check = try run.run(["check", "\(run.dir)/rel.ko"])
        #expect(check.status == 255)
        #expect(
            check.stderr.contains(
                "section type is SHT_REL but its entries are 24 bytes, the size of Rela "
                    + "entries: the type is wrong (SHT_RELA expected)"), "\(check.stderr)")
        #expect(!check.stderr.contains("expected 16"))
    }
}
