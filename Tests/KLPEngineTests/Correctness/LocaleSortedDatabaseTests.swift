import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 item 6: an `nm` listing sorted under a locale other than C is name order, not kallsyms order, so
/// positions stay unverifiable and `--strict` refuses them (through the binary).
@Suite struct LocaleSortedDatabaseTests {
    /// What `LC_ALL=en_US.UTF-8 nm -j` prints for `objects` (below): '_' ignored, letters without case.
    static let enUSListing = ["_a_b", "ab", "homo", "homo", "__ksymtab_x", "x", "Zeta"]

    static let objects = [
        ("one", "static int homo(void) { return 1; }\nint __ksymtab_x;\nint Zeta(void) { return homo(); }\n"),
        (
            "two",
            "static int homo(void) { return 2; }\nstatic int _a_b;\nint x(void) { return homo(); }\nint "
                + "ab(void) { return _a_b; }\n"
        ),
    ]

    /// The listing from the real nm under en_US.UTF-8 when the machine has that locale (Debian: `locales`,
    /// locale-gen); else the committed expectation above, which that run checks.
    static func listing(in dir: String) throws -> [String] {
        let locales = try Tool.check("locale", ["-a"])
        guard locales.split(separator: "\n").contains("en_US.utf8") else { return enUSListing }
        for (name, text) in objects {
            try FileIO.writeAtomically(Array(text.utf8), to: "\(dir)/\(name).c")
            try Tool.check("gcc", ["-c", "-O0", "\(name).c", "-o", "\(name).o"], cwd: dir)
        }
        try Tool.check("ld", ["-r", "-o", "vmlinux.o", "one.o", "two.o"], cwd: dir)
        let nm = try ChildProcess.check(
            "nm", ["-j", "vmlinux.o"],
            .init(
                directory: dir,
                environment: ["LC_ALL": "en_US.UTF-8"]))
        let names = nm.stdout.split(separator: "\n").map(String.init).filter { !$0.hasSuffix(".c") }
        #expect(names == enUSListing)
        return names
    }

    @Test func localeSortedListingIsNotTakenForKallsymsOrder() throws {
        let dir = try TemporaryDirectory.make("locale-nm")
        let lines = ["klp-convert-symbol-data.0.1", "*vmlinux"] + (try Self.listing(in: dir))
        let database = lines.joined(separator: "\n") + "\n"
        let parsed = try CObject.database(database, in: dir)
        #expect(parsed.order == .nameSorted)
        #expect(parsed.orderReason == .localeSorted(object: "vmlinux", line: 7))

        let input = try CObject.build(
            [
                (
                    "lp",
                    "extern int homo(void);\nint f(void) { return homo(); "
                        + "}\nKLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(homo, 2) };\n"
                )
            ], in: dir)
        let run = try DropInRun.make(input: input, in: dir, database: database)
        try run.expectRefused(
            try run.convert(["--strict"]),
            [
                "symbols.klp is name-sorted (nm "
                    + "output)", "not which copy is position 2",
            ])
        run.expectConverted(try run.convert())
    }

    /// A block out of byte order and out of every name order is still kallsyms order, also after lines that
    /// only a locale's order explains.
    @Test func kallsymsOrderIsStillRecognised() throws {
        let dir = try TemporaryDirectory.make("locale-nm")
        let text = "klp-convert-symbol-data.0.1\n*vmlinux\nhomo\n__ksymtab_x\nzeta\nalpha\n"
        let parsed = try CObject.database(text, in: dir)
        #expect(parsed.order == .kallsyms)
        #expect(parsed.orderReason == .unsortedObject(object: "vmlinux", line: 6))
    }
}
