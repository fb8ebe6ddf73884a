import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// What the patch's annotations (and the user's choices) may and may not do, through the binary (issue 13,
/// items 1, 10, 11, 12).
@Suite struct AnnotationUseTests {
    /// Item 1: code that uses the annotation array would read 0 once the array is removed.
    @Test func codeUsingTheAnnotationArrayIsRefused() throws {
        let run = try DropInRun.make(
            """
            extern char saved_command_line[];
            KLP_MODULE_RELOC(vmlinux) vrel[] = { KLP_SYMPOS(saved_command_line, 0) };
            void *g(void) { return vrel; }
            char h(void) { return saved_command_line[0]; }
            """)
        try run.expectRefused(
            try run.convert(),
            [
                ".rela.text uses vrel, a KLP_MODULE_RELOC annotation "
                    + "array", "(at .text+0x",
            ])
    }

    /// The annotation's own relocations and debug info referring to the array still go without a word.
    @Test func debugInfoOfTheAnnotationArrayIsDroppedSilently() throws {
        let dir = try TemporaryDirectory.make("annot-debug")
        let input = try CObject.build(
            [
                (
                    "lp",
                    """
                    extern char saved_command_line[];
                    KLP_MODULE_RELOC(vmlinux) vrel[] = { KLP_SYMPOS(saved_command_line, 0) };
                    char h(void) { return saved_command_line[0]; }
                    """
                )
            ], extraFlags: ["-g"], in: dir)
        #expect(try Readelf(input).relocations[".rela.debug_info"]?.contains { $0.symbolName == "vrel" } == true)
        let run = try DropInRun.make(input: input, in: dir)
        #expect(run.expectConverted(try run.convert()).isEmpty)
    }

    /// Item 10: an annotation for a symbol the patch defines names that, not a missing relocation.
    @Test func annotationOfASymbolThePatchDefinesSaysSo() throws {
        let run = try DropInRun.make(
            """
            extern char saved_command_line[];
            int g(void) { return saved_command_line[0]; }
            int h(void) { return g() + 1; }
            KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(g, 0) };
            """)
        let r = try run.convert()
        try run.expectRefused(r, ["KLP_SYMPOS(g, 0) annotates g, which the livepatch defines itself in .text"])
        #expect(!r.stderr.contains("Couldn't find rela"))
    }

    /// A static of the same name in another file of the patch does not make the annotation of the undefined
    /// symbol wrong.
    @Test func annotationOfAnUndefinedSymbolWithAStaticNamesakeInThePatchConverts() throws {
        let dir = try TemporaryDirectory.make("annot-namesake")
        let input = try CObject.build(
            [
                (
                    "a",
                    "static __attribute__((noinline, used)) int init_once(void) { return 1; }\n"
                        + "int a(void) { return init_once(); }\n"
                ),
                (
                    "b",
                    "extern int init_once(void);\nint b(void) { return init_once(); }\n"
                        + "KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };\n"
                ),
            ], in: dir)
        #expect(try Readelf(input).symbols(named: "init_once").map(\.ndx).contains("UND"))
        let run = try DropInRun.make(input: input, in: dir)
        #expect(run.expectConverted(try run.convert()).isEmpty)
        #expect(try Readelf(run.output).symbols.contains { $0.name == ".klp.sym.vmlinux.init_once,2" })
    }

    static let annotatedHomonym = """
        extern int init_once(void);
        int f(void) { return init_once() + init_once(); }
        int k(void) { return init_once(); }
        KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
        """

    /// Item 11: a --choose that overrides the patch's annotation says so, once per symbol.
    @Test func choiceOverridingAnAnnotationSaysSoOnce() throws {
        let run = try DropInRun.make(Self.annotatedHomonym)
        let stderr = run.expectConverted(try run.convert(["--choose", "init_once=vmlinux,1"]))
        let lines = stderr.split(separator: "\n").filter { $0.contains("overrides") }
        #expect(
            lines == [
                "klp-convert: warning: the choice init_once=vmlinux,1 overrides the patch's "
                    + "KLP_SYMPOS(init_once, 2) for vmlinux (.klp.module_relocs.vmlinux) (at "
                    + ".text+0x\(String(try CLITests.firstOffset(run.input, "init_once"), radix: 16)))"
            ])
        #expect(try Readelf(run.output).symbols.contains { $0.name == ".klp.sym.vmlinux.init_once,1" })
        // The same position as the annotation overrides nothing.
        let same = try DropInRun.make(Self.annotatedHomonym)
        #expect(same.expectConverted(try same.convert(["--choose", "init_once=vmlinux,2"])).isEmpty)
    }

    /// Item 11: one rule for --choose and choices files: one symbol chosen twice with different targets fails.
    @Test func choosingOneSymbolTwiceDifferentlyIsAnError() throws {
        let run = try DropInRun.make(Self.annotatedHomonym)
        try run.expectRefused(
            try run.convert(["--choose", "init_once=vmlinux,1", "--choose", "init_once=vmlinux,2"]),
            ["init_once is chosen twice: vmlinux,1 and vmlinux,2"])
        run.expectConverted(try run.convert(["--choose", "init_once=vmlinux,2", "--choose", "init_once=vmlinux,2"]))
    }

    /// Item 10: a bad --choose is not called a KLP_SYMPOS.
    @Test func badChoiceIsNotCalledAnAnnotation() throws {
        let run = try DropInRun.make("extern int init_once(void);\nint f(void) { return init_once(); }\n")
        let r = try run.convert(["--choose", "init_once=vmlinux,5"])
        try run.expectRefused(
            r,
            [
                "Chosen position (--choose, --choices or the TUI) does not match a symbol: "
                    + "vmlinux.init_once,5 (2 in vmlinux)"
            ])
        #expect(!r.stderr.contains("Provided KLP_SYMPOS"))
        let zero = try run.convert(["--choose", "init_once=vmlinux,0"])
        try run.expectRefused(zero, ["Chosen position (--choose, --choices or the TUI) of 0, but found 2"])
    }

    /// Item 10: a choices file with CRLF line ends says so.
    @Test func crlfChoicesFileSaysCRLF() throws {
        let run = try DropInRun.make("extern int init_once(void);\nint f(void) { return init_once(); }\n")
        try "# saved on Windows\r\ninit_once vmlinux 1\r\n".write(
            toFile: "\(run.dir)/choices", atomically: true,
            encoding: .utf8)
        let r = try run.convert(["--choices", "\(run.dir)/choices"])
        try run.expectRefused(r, ["\(run.dir)/choices:1: the line ends are CRLF"])
        #expect(!r.stderr.contains("is not a number"))
    }

    /// Item 12: an annotation of an exported symbol converts it (the user may mean a static homonym), with a
    /// warning naming the export; `list` shows both; --choose the same.
    @Test func annotatedExportConvertsWithAWarningNamingTheExport() throws {
        let source = "extern int printk(const char *, ...);\nint f(void) { return printk(\"x\"); }\n"
        let run = try DropInRun.make(source + "KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(printk, 0) };\n")
        let stderr = run.expectConverted(try run.convert())
        #expect(
            stderr.contains(
                "warning: printk is exported by vmlinux, which the module loader would resolve; "
                    + "KLP_SYMPOS(printk, 0) for vmlinux makes its relocations klp relocations to vmlinux.printk,0 "
                    + "instead"), "\(stderr)")
        let list = try run.run(["list", run.db, run.input])
        #expect(
            list.stdout.contains(
                "printk  [annotated] -> vmlinux,0  .klp.sym.vmlinux.printk,0  (exported by "
                    + "vmlinux)"), "\(list.stdout)")
        #expect(try DropInRun.make(input: run.input, in: run.dir).convert(["--strict"]).status == 255)

        let chosen = try DropInRun.make(source)
        let c = chosen.expectConverted(try chosen.convert(["--choose", "printk=vmlinux,0"]))
        #expect(
            c.contains(
                "printk is exported by vmlinux, which the module loader would resolve; the choice "
                    + "printk=vmlinux,0 makes"), "\(c)")
        // Without an annotation or a choice the export stays an ordinary relocation, silently.
        let plain = try DropInRun.make(source)
        #expect(plain.expectConverted(try plain.convert()).isEmpty)
        #expect(try Readelf(plain.output).symbols.contains { $0.name == "printk" })
    }
}
