import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// Modules built with gcc + ld -r: the builder's symbol lists against the kernel rule applied to readelf's view,
/// positions through the database reader, compressed files, bad and livepatch modules in a tree.
@Suite struct DatabaseBuilderModuleTests {
    static let partA = """
        static int homonym = 1;
        int *get_a(void) { return &homonym; }
        static __attribute__((noinline)) int helper(int x) { return x + homonym; }
        int use_a(int x) { return helper(x); }
        __attribute__((section(".init.text"))) int init_a(void) { return 0; }
        __attribute__((section(".exit.text"))) int exit_a(void) { return 0; }
        __attribute__((section(".data..percpu"))) int pcpu_counter;
        static const char modinfo_license[] __attribute__((section(".modinfo"), used)) = "license=GPL";
        int __ksymtab_use_a __attribute__((section("__ksymtab"))) = 0;
        """
    static let partB = """
        static int homonym = 2;
        int *get_b(void) { return &homonym; }
        static __attribute__((noinline)) int helper(int x) { return x * homonym; }
        int use_b(int x) { return helper(x); }
        /* A marker in a section that is not allocated (the final .ko link discards .export_symbol anyway). */
        asm(".section .export_symbol,\\"\\",@progbits\\n.globl __export_symbol_use_b\\n\
        __export_symbol_use_b: .byte 0\\n.previous");
        """
    static let livepatchPart = """
        int lp_func(void) { return 1; }
        static const char lp_info[] __attribute__((section(".modinfo"), used)) = "livepatch=Y";
        """

    /// Builds `<dir>/<name>` from the two parts (ld -r, as kbuild links a module's objects).
    static func buildModule(_ dir: String, _ name: String = "m.o") throws -> String {
        try BuilderTestFiles.write(partA, "\(dir)/part_a.c")
        try BuilderTestFiles.write(partB, "\(dir)/part_b.c")
        for part in ["part_a", "part_b"] {
            try Tool.check(
                "gcc", ["-c", "-O2", "-fno-pic", "-fno-common", "-o", "\(dir)/\(part).o", "\(dir)/\(part).c"])
        }
        try Tool.check("ld", ["-r", "-o", "\(dir)/\(name)", "\(dir)/part_a.o", "\(dir)/part_b.o"])
        return "\(dir)/\(name)"
    }

    static func object(_ reading: ModuleReading) throws -> BuiltObject {
        guard case .module(let object) = reading else {
            throw ToolError(tool: "DatabaseBuilder", problem: "expected a module, got \(reading)")
        }
        return object
    }

    @Test func coreSymbolsMatchTheKernelRuleOnReadelf() throws {
        let dir = try TemporaryDirectory.make("builddb-mod")
        let path = try Self.buildModule(dir)
        for all in [true, false] {
            let built = try Self.object(
                try DatabaseBuilder.readModule(path: path, rules: KernelRules(kallsymsAll: all)))
            #expect(built.symbols.map(\.name) == (try ReadelfOracle.moduleCoreSymbols(path, kallsymsAll: all)))
        }
        let built = try Self.object(try DatabaseBuilder.readModule(path: path))
        let names = built.symbols.map(\.name)
        #expect(built.name == "m")
        #expect(!names.contains("init_a"), "init sections are freed after load")
        #expect(names.contains("exit_a"), "with CONFIG_MODULE_UNLOAD exit code stays")
        #expect(names.contains("pcpu_counter"))
        #expect(names.contains("__ksymtab_use_a"), "a marker in a core section is a kallsyms line")
        #expect(!names.contains("__export_symbol_use_b"), ".export_symbol is not allocated")
        #expect(!names.contains("modinfo_license"))
        #expect(built.exports == ["use_a", "use_b"])
        let noUnload = try Self.object(
            try DatabaseBuilder.readModule(path: path, rules: KernelRules(moduleUnload: false)))
        #expect(!noUnload.symbols.map(\.name).contains("exit_a"))
        let textOnly = try Self.object(
            try DatabaseBuilder.readModule(path: path, rules: KernelRules(kallsymsAll: false)))
        #expect(!textOnly.symbols.map(\.name).contains("homonym"))
        #expect(!textOnly.symbols.map(\.name).contains("pcpu_counter"))
        #expect(textOnly.symbols.filter { $0.name == "helper" }.count == 2)
    }

    @Test func homonymPositionsFollowLinkOrderAndCarryTheirFile() throws {
        let dir = try TemporaryDirectory.make("builddb-pos")
        let path = try Self.buildModule(dir, "my-mod.o")
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(modules: [path]))
        #expect(result.issues.isEmpty)
        let text = String(decoding: result.bytes, as: UTF8.self)
        #expect(text.hasPrefix("klp-convert-symbol-data.0.1 order=kallsyms\n*my_mod\n-part_a.c\n"))
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "built.klp")
        #expect(db.order == .kallsyms)
        for name in ["homonym", "helper"] {
            let found = db.candidates(named: name, in: "my_mod")
            #expect(found.map(\.position) == [1, 2])
            #expect(found.map(\.file) == ["part_a.c", "part_b.c"])
        }
        // Globals follow every local in a symbol table: their file is not known.
        #expect(db.candidates(named: "use_b", in: "my_mod").map(\.position) == [0])
        #expect(db.candidates(named: "use_b", in: "my_mod").first?.file == nil)  // "-?" reads back as no file
        #expect(db.isExported("use_a") && db.isExported("use_b"))
        #expect(!db.isExported("get_a"))
    }

    @Test func compressedModulesReadLikeTheOriginal() throws {
        let dir = try TemporaryDirectory.make("builddb-z")
        let path = try Self.buildModule(dir, "m.ko")
        let plain = try DatabaseBuilder.readModule(path: path)
        for (tool, args, suffix) in [
            ("xz", ["-k", "-f"], ".xz"), ("zstd", ["-q", "-k", "-f"], ".zst"),
            ("gzip", ["-k", "-f"], ".gz"),
        ] {
            try Tool.check(tool, args + [path])
            var expected = try Self.object(plain)
            expected.source = path + suffix
            #expect(try DatabaseBuilder.readModule(path: path + suffix) == .module(expected), "\(tool)")
            // A truncated file is an error naming the file and the format.
            let bytes = try FileIO.readAll(path: path + suffix)
            try FileIO.writeAtomically(Array(bytes.prefix(bytes.count / 2)), to: "\(dir)/cut.ko\(suffix)")
            #expect(throws: DatabaseBuildError.self) { try DatabaseBuilder.readModule(path: "\(dir)/cut.ko\(suffix)") }
            do {
                _ = try DatabaseBuilder.readModule(path: "\(dir)/cut.ko\(suffix)")
            } catch {
                #expect(error.path == "\(dir)/cut.ko\(suffix)")
            }
        }
    }

    @Test func aTreeWithABadAndALivepatchModule() throws {
        let dir = try TemporaryDirectory.make("builddb-tree")
        let tree = "\(dir)/kernel/drivers"
        try FileManager.default.createDirectory(atPath: tree + "/sub", withIntermediateDirectories: true)
        let good = try Self.buildModule(dir, "good.ko")
        try FileManager.default.copyItem(atPath: good, toPath: "\(tree)/good-one.ko")
        try FileManager.default.copyItem(atPath: good, toPath: "\(tree)/sub/other.ko")
        try Tool.check("xz", ["-k", "-f", "\(tree)/sub/other.ko"])
        try FileManager.default.moveItem(atPath: "\(tree)/sub/other.ko.xz", toPath: "\(tree)/sub/packed.ko.xz")
        try FileIO.writeAtomically(Array("this is not an ELF file".utf8), to: "\(tree)/broken.ko")
        try FileIO.writeAtomically(
            Array("\u{7F}ELF\u{2}\u{1}\u{1}".utf8) + [UInt8](repeating: 0xff, count: 80),
            to: "\(tree)/sub/garbage.ko")
        try BuilderTestFiles.write(Self.livepatchPart, "\(dir)/lp.c")
        try Tool.check("gcc", ["-c", "-O2", "-o", "\(tree)/livepatch-demo.ko", "\(dir)/lp.c"])
        try FileIO.writeAtomically(Array("ignored".utf8), to: "\(tree)/README")

        var inputs = DatabaseBuildInputs(modules: ["\(dir)/kernel"], jobs: 2)
        let seen = ProgressRecord()
        _ = try DatabaseBuilder.build(inputs) { done, total in seen.add(done, total) }
        #expect(seen.calls.map(\.0).sorted() == Array(1...6), "one call per module file, counting up")
        #expect(seen.calls.allSatisfy { $0.1 == 6 })
        // A dump in which the livepatch module shows no undefined symbol: the module file still keeps it out.
        try BuilderTestFiles.write(
            "ffffffff81000000 T _stext\nffffffffc0000000 t lp_func\t[livepatch_demo]\n",
            "\(dir)/kallsyms.txt")
        let withDump = try DatabaseBuilder.build(
            DatabaseBuildInputs(modules: ["\(dir)/kernel"], kallsyms: "\(dir)/kallsyms.txt"))
        #expect(withDump.database.objects.map(\.name) == ["vmlinux", "good_one", "other", "packed"])
        let first = try DatabaseBuilder.build(inputs)
        #expect(first.moduleFilesFound == 6)
        #expect(first.database.objects.map(\.name) == ["good_one", "other", "packed"])
        #expect(first.somethingSkipped)
        let skipped = first.issues.filter { $0.kind == .skipped }.map(\.path)
        #expect(skipped == ["\(tree)/broken.ko", "\(tree)/sub/garbage.ko"])
        #expect(first.issues.contains { $0.kind == .note && $0.message.contains("livepatch module livepatch_demo") })
        #expect(first.issues.allSatisfy { $0.description.hasPrefix(tree) })
        // Same inputs, one thread or two: same bytes.
        inputs.jobs = 1
        #expect(try DatabaseBuilder.build(inputs).bytes == first.bytes)
        // The good module's block equals the kernel rule on readelf's view.
        // Then the exports without a marker line of their own (here __export_symbol_use_b, not SHF_ALLOC).
        let oracle = try ReadelfOracle.moduleCoreSymbols(good)
        let lines = BuilderTestFiles.symbolLines(first.bytes, object: "packed")
        #expect(Array(lines.prefix(oracle.count)) == oracle)
        #expect(Array(lines.dropFirst(oracle.count)) == ["__ksymtab_use_b"])
    }

    @Test func sameModuleNameTwiceIsReported() throws {
        let dir = try TemporaryDirectory.make("builddb-dup")
        let a = try Self.buildModule(dir, "dup.ko")
        try FileManager.default.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a, toPath: "\(dir)/x/dup.ko")
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(modules: [a, "\(dir)/x/dup.ko"]))
        #expect(result.database.objects.map(\.name) == ["dup"])
        #expect(result.issues.map(\.kind) == [.skipped])
        #expect(result.issues.first?.message.contains("already read from \(a)") == true)
    }
}

/// Progress calls arrive from worker threads.
final class ProgressRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { lock.withLock { list.append((done, total)) } }
    var calls: [(Int, Int)] { lock.withLock { list } }
}
