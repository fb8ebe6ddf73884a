import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Two symbol names that map to one C identifier (`foo.constprop.0` and `foo_constprop.0`: CSnippet writes every
/// character a C identifier cannot hold as '_') in the blocks the tool prints, through the binary with gcc-built
/// objects: the ambiguity error's paste block (positions written in) and `snippet`'s blocks for two objects must
/// compile without a warning and convert each name to the copy written for it.
@Suite struct AsmIdentifierCLITests {
    /// Two static copies of each name, one per file (asm labels give the names GCC's clones have).
    static func source(_ function: String, _ values: (Int, Int)) -> String {
        """
        static int dot_copy __asm__("foo.constprop.0") = \(values.0);
        static int under_copy __asm__("foo_constprop.0") = \(values.1);
        void *\(function)(void) { return (void *)((long)&dot_copy + (long)&under_copy); }

        """
    }
    static let kernelMain = """
        void *a_use(void); void *b_use(void);
        struct klp_patch;
        int klp_enable_patch(struct klp_patch *p) { return p != 0; }
        int __ksymtab_klp_enable_patch;
        void *entry(void) { return (void *)((long)a_use() + (long)b_use() + klp_enable_patch(0)); }

        """
    static let livepatch = """
        extern int dot __asm__("foo.constprop.0");
        extern int under __asm__("foo_constprop.0");
        int livepatch_use(void) { return dot + under; }

        """

    /// What the developer does with a printed block: pastes it into the patch, which must compile without a
    /// warning (gcc -fsyntax-only -Werror), rebuilds and converts. Returns the converted module's symbol names.
    static func pasteAndConvert(_ pasted: String, database: String, in dir: String) throws -> [String] {
        try (CObject.includeLine + "\n" + pasted).write(
            toFile: "\(dir)/pasted_check.c", atomically: true, encoding: .utf8)
        let syntax = try Tool.run(
            "gcc", ["-fsyntax-only", "-Werror", CObject.includeFlag, "pasted_check.c"], cwd: dir)
        #expect(syntax.status == 0 && syntax.stderr.isEmpty, "\(syntax.stderr)")

        let annotated = try CObject.build([("annotated", pasted)], in: dir)
        let converted = try Tool.run(BuiltProducts.klpConvert, [database, annotated, "\(dir)/annotated.ko"])
        try #require(converted.status == 0, "\(converted.stderr)")
        return try Readelf("\(dir)/annotated.ko").symbols.map(\.name)
    }

    @Test func namesSharingOneCIdentifierGetTwoIdentifiersInThePasteBlock() throws {
        let dir = try TemporaryDirectory.make("ambiguity-naming")
        try FileManager.default.createDirectory(atPath: "\(dir)/fs", withIntermediateDirectories: true)
        try Self.source("a_use", (1, 2)).write(toFile: "\(dir)/fs/a.c", atomically: true, encoding: .utf8)
        try Self.source("b_use", (3, 4)).write(toFile: "\(dir)/fs/b.c", atomically: true, encoding: .utf8)
        try Self.kernelMain.write(toFile: "\(dir)/init.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc",
            [
                "-O2", "-g", "-fno-pic", "-no-pie", "-static", "-nostdlib", "-Wl,-e,entry", "-o", "vmlinux",
                "init.c", "fs/a.c", "fs/b.c",
            ], cwd: dir)
        let database = "\(dir)/symbols.klp"
        let built = try Tool.run(BuiltProducts.klpConvert, ["build-db", "-o", database, "--vmlinux", "\(dir)/vmlinux"])
        #expect(built.status == 0, "\(built.stderr)")
        let patch = try CObject.build([("livepatch", Self.livepatch)], in: dir)

        let run = try Tool.run(BuiltProducts.klpConvert, [database, patch, "\(dir)/out.ko"])
        #expect(run.status == 255)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Paste into the livepatch") }, "\(run.stderr)")
        let end = try #require(lines[start...].firstIndex(of: "};"))
        let block = lines[(start + 1)...end].joined(separator: "\n")
        // Still no compilable default: each position is the placeholder until a person writes it.
        #expect(block.components(separatedBy: "KLP_POSITION_REQUIRED_1_TO_2").count == 3, "\(block)")
        let declarations = lines[(start + 1)...end].filter { $0.hasPrefix("extern char ") }
        #expect(declarations.count == 2, "\(block)")
        let identifiers = declarations.map { $0.dropFirst("extern char ".count).prefix { $0 != "[" } }
        #expect(Set(identifiers).count == 2, "one identifier declared twice: \(block)")

        // Positions written in: 2 for foo.constprop.0, 1 for foo_constprop.0 (its comment line names the symbol).
        var fixed: [String] = []
        var wanted = 0
        for line in lines[(start + 1)...end] {
            if line.hasPrefix("\t/* foo.constprop.0:") { wanted = 2 }
            if line.hasPrefix("\t/* foo_constprop.0:") { wanted = 1 }
            fixed.append(line.replacingOccurrences(of: "KLP_POSITION_REQUIRED_1_TO_2", with: "\(wanted)"))
        }
        let symbols = try Self.pasteAndConvert(
            Self.livepatch + fixed.joined(separator: "\n") + "\n", database: database, in: dir)
        #expect(symbols.contains(".klp.sym.vmlinux.foo.constprop.0,2"), "\(symbols)")
        #expect(symbols.contains(".klp.sym.vmlinux.foo_constprop.0,1"), "\(symbols)")
    }

    /// One name in vmlinux, the other in a module: `snippet --all` prints one block per object, both pasted in
    /// one file.
    @Test func namesSharingOneCIdentifierInTwoObjectsGetTwoIdentifiersInTheSnippet() throws {
        let dir = try TemporaryDirectory.make("snippet-naming")
        try FileManager.default.createDirectory(atPath: "\(dir)/fs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(dir)/drivers", withIntermediateDirectories: true)
        let vmlinuxCopy = """
            static int dot_copy __asm__("foo.constprop.0") = 1;
            void *a_use(void) { return (void *)&dot_copy; }

            """
        let moduleCopy = """
            static int under_copy __asm__("foo_constprop.0") = 2;
            void *ext_use(void) { return (void *)&under_copy; }
            const char modinfo_name[] __attribute__((section(".modinfo"))) = "name=ext9";

            """
        let kernelMain = """
            void *a_use(void);
            struct klp_patch;
            int klp_enable_patch(struct klp_patch *p) { return p != 0; }
            int __ksymtab_klp_enable_patch;
            void *entry(void) { return (void *)((long)a_use() + klp_enable_patch(0)); }

            """
        try vmlinuxCopy.write(toFile: "\(dir)/fs/a.c", atomically: true, encoding: .utf8)
        try moduleCopy.write(toFile: "\(dir)/drivers/ext9.c", atomically: true, encoding: .utf8)
        try kernelMain.write(toFile: "\(dir)/init.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc",
            [
                "-O2", "-g", "-fno-pic", "-no-pie", "-static", "-nostdlib", "-Wl,-e,entry", "-o", "vmlinux", "init.c",
                "fs/a.c",
            ],
            cwd: dir)
        try Tool.check("gcc", ["-O2", "-g", "-c", "drivers/ext9.c", "-o", "ext9.ko"], cwd: dir)
        let database = "\(dir)/symbols.klp"
        let built = try Tool.run(
            BuiltProducts.klpConvert,
            ["build-db", "-o", database, "--vmlinux", "\(dir)/vmlinux", "--modules", "\(dir)/ext9.ko"])
        #expect(built.status == 0, "\(built.stderr)")
        let patch = try CObject.build([("livepatch", Self.livepatch)], in: dir)

        let run = try Tool.run(BuiltProducts.klpConvert, ["snippet", "--all", database, patch])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("KLP_MODULE_RELOC(vmlinux)") && run.stdout.contains("KLP_MODULE_RELOC(ext9)"))
        let identifiers = run.stdout.split(separator: "\n").filter { $0.hasPrefix("extern char ") }.map {
            $0.dropFirst("extern char ".count).prefix { $0 != "[" }
        }
        #expect(identifiers.count == 2 && Set(identifiers).count == 2, "one identifier declared twice: \(run.stdout)")

        let symbols = try Self.pasteAndConvert(Self.livepatch + run.stdout, database: database, in: dir)
        #expect(symbols.contains { $0.hasPrefix(".klp.sym.vmlinux.foo.constprop.0,") }, "\(symbols)")
        #expect(symbols.contains { $0.hasPrefix(".klp.sym.ext9.foo_constprop.0,") }, "\(symbols)")
    }
}
