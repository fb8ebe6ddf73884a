import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 item 7, DECISIONS 10: a machine without loader rules is refused by name, not converted.
@Suite struct UnsupportedMachineTests {
    static let riscv = FixturePaths.fixtures.appendingPathComponent("unsupported/riscv64-livepatch.o").path

    @Test func riscv64ObjectIsRefusedNamingTheMachine() throws {
        let relocations = try Readelf(Self.riscv).relocations[".rela.text"] ?? []
        #expect(relocations.contains { $0.type == "R_RISCV_PCREL_HI20" && $0.symbolName == "saved_command_line" })
        let dir = try TemporaryDirectory.make("riscv")
        try FileIO.writeAtomically(try FileIO.readAll(path: Self.riscv), to: "\(dir)/lp.o")
        let run = try DropInRun.make(input: "\(dir)/lp.o", in: dir)
        try run.expectRefused(
            try run.convert(),
            [
                "machine riscv (EM_RISCV) is not supported",
                "R_RISCV_PCREL_LO12 with the PCREL_HI20 in the same section",
            ])
    }

    /// Any other machine without rules (here an x86_64 object relabelled EM_386) is refused the same way.
    @Test func otherMachinesAreRefusedToo() throws {
        let run = try DropInRun.make(
            "extern char saved_command_line[];\nchar f(void) { return "
                + "saved_command_line[0]; }\n")
        var bytes = run.inputBytes
        bytes[18] = 3  // e_machine = EM_386 (little-endian)
        bytes[19] = 0
        try FileIO.writeAtomically(bytes, to: "\(run.dir)/i386.o")
        let relabelled = try DropInRun.make(input: "\(run.dir)/i386.o", in: run.dir)
        try relabelled.expectRefused(try relabelled.convert(), ["machine i386 (EM_386) is not supported"])
    }
}
