import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 item 3: `check` finds klp relocations the loader would apply to the wrong place, through the binary.
@Suite struct CheckPlacementTests {
    static func converted() throws -> DropInRun {
        let run = try DropInRun.make(ExistingLivepatchSymbolTests.source)
        run.expectConverted(try run.convert())
        let check = try run.run(["check", run.output])
        #expect(check.status == 0, "\(check.stderr)")
        return run
    }

    static func expectCheckFails(
        _ run: DropInRun, _ path: String, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let r = try run.run(["check", path])
        #expect(r.status == 255, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("klp-convert: \(path): \(message)"), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stdout.contains("ok"), sourceLocation: sourceLocation)
    }

    static func editKlpSection(
        _ run: DropInRun, _ name: String,
        _ change: (inout Section, ELFObject) throws -> Void
    ) throws -> String {
        try ExistingLivepatchSymbolTests.edit(run.output, to: name, in: run.dir) { object in
            let klp = try #require(object.section(named: ".klp.rela.vmlinux..text"))
            var copy = klp
            try change(&copy, object)
            object.updateSection(klp.id) { $0 = copy }
        }
    }

    @Test func shInfoThatIsNotTheNamedSection() throws {
        let run = try Self.converted()
        let path = try Self.editKlpSection(run, "info.ko") { s, object in
            s.info = .section(try #require(object.section(named: ".modinfo")).id)
        }
        try Self.expectCheckFails(
            run, path,
            "section .klp.rela.vmlinux..text names section .text, but its sh_info "
                + "is .modinfo")
    }

    @Test func offsetOutsideTheTargetSection() throws {
        let run = try Self.converted()
        let path = try Self.editKlpSection(run, "offset.ko") { s, object in
            let text = try #require(object.section(named: ".text"))
            var relocations = s.relocations
            relocations[0].offset = text.size - 2  // a 4-byte PC32 that ends past .text
            s.content = .relocations(relocations, rela: true)
        }
        try Self.expectCheckFails(run, path, "section .klp.rela.vmlinux..text relocation 0 at offset 0x")
        let r = try run.run(["check", path])
        #expect(r.stderr.contains("is outside .text ("), "\(r.stderr)")
    }

    @Test func twoRelocationsAtOneOffset() throws {
        let run = try Self.converted()
        let path = try Self.editKlpSection(run, "twice.ko") { s, _ in
            s.content = .relocations(s.relocations + [s.relocations[0]], rela: true)
        }
        try Self.expectCheckFails(run, path, "section .klp.rela.vmlinux..text relocation 0: .text+0x")
        let r = try run.run(["check", path])
        #expect(r.stderr.contains("is relocated twice; x86's loader refuses the second"), "\(r.stderr)")
    }

    @Test func targetWithoutSHFAllocIsAnError() throws {
        let run = try Self.converted()
        let path = try Self.editKlpSection(run, "comment.ko") { s, object in
            s.info = .section(try #require(object.section(named: ".comment")).id)
            s.name = ".klp.rela.vmlinux..comment"
            s.content = .relocations(
                s.relocations.map { r in
                    var moved = r
                    moved.offset = 0
                    return moved
                }.prefix(1).map { $0 }, rela: true)
        }
        try Self.expectCheckFails(
            run, path,
            "section .klp.rela.vmlinux..comment relocates .comment, which is not "
                + "SHF_ALLOC: the kernel never applies it")
    }
}
