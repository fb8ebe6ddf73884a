import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

// `explain` for a name symbols.klp does not have, and `help list`'s exit status, through the binary.

@Suite struct CLIExplainAbsentTests {
    static var binary: String { BuiltProducts.klpConvert }

    @Test func anAbsentNameGetsItsPossibleReasonsAndNearestNames() throws {
        let dir = try TemporaryDirectory.make("explain-absent")
        defer { TemporaryDirectory.remove(dir) }
        let db = "\(dir)/symbols.klp"
        try """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -fs/inode.c
        init_once
        -fs/super.c
        init_once
        proc_show.isra.0
        proc_show.cold
        proc_shaw
        """.appending("\n").write(toFile: db, atomically: true, encoding: .utf8)
        let typo = try Tool.run(Self.binary, ["explain", db, "init_onec"])
        #expect(typo.status == 255)
        #expect(typo.stdout.contains("init_onec: not in \(db). What that can mean:"))
        #expect(typo.stdout.contains("  - a typo: nearest names: init_once (2 edits)"))
        #expect(typo.stdout.contains("  - inlined: "))
        #expect(typo.stdout.contains("  - dropped by the loader: "))
        #expect(typo.stdout.contains("  - a stripped module or a missing one: "))

        let renamed = try Tool.run(Self.binary, ["explain", db, "proc_show"])
        #expect(renamed.status == 255)
        #expect(renamed.stdout.contains("  - gcc renamed its copies: proc_show.cold, proc_show.isra.0;"))
        #expect(renamed.stdout.contains("nearest names: proc_shaw (1 edit)"))

        // A name that is there still explains as before, with status 0.
        let present = try Tool.run(Self.binary, ["explain", db, "init_once"])
        #expect(present.status == 0)
        #expect(present.stdout.contains("init_once: 2 copies"))
    }

    @Test func helpListGivesTheExitStatus() throws {
        let r = try Tool.run(Self.binary, ["help", "list"])
        #expect(r.output.contains("Exit status: 0 when every listed relocation can be converted"))
        #expect(r.output.contains("255 when the plan has an error"))
    }

    @Test func editDistanceIsBounded() {
        #expect(NearestNames.distance(Array("kitten".utf8), Array("sitting".utf8), atMost: 3) == 3)
        #expect(NearestNames.distance(Array("kitten".utf8), Array("sitting".utf8), atMost: 2) == nil)
        #expect(NearestNames.distance(Array("".utf8), Array("ab".utf8), atMost: 2) == 2)
    }
}
