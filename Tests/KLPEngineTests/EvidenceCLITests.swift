import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Evidence for homonyms through the binary, as a developer meets it: build-db from a gcc -g "vmlinux" and a
/// module, a livepatch whose klp_func/klp_object tables (built by gcc) patch a function next to one copy, then
/// the ambiguity error's paste block (compiled with gcc: it must fail until a number is written), explain and
/// list --json.
@Suite struct EvidenceCLITests {
    static let inode = """
        static int counter;
        static __attribute__((noipa)) void init_once(void *p) { counter += (long)p; }
        void *inode_use(void) { init_once(0); return &counter; }

        """
    static let dcache = """
        /* dcache */
        static int counter = 3;
        static __attribute__((noipa)) void init_once(void *p) { counter -= (long)p; }
        void *dcache_use(void) { init_once((void *)1); return &counter; }

        """
    static let kernelMain = """
        void *inode_use(void); void *dcache_use(void);
        struct klp_patch;
        int klp_enable_patch(struct klp_patch *p) { return p != 0; }
        int __ksymtab_klp_enable_patch;
        void *entry(void) { return (void *)((long)inode_use() + (long)dcache_use() + klp_enable_patch(0)); }

        """
    static let module = """
        static int counter;
        static __attribute__((noipa)) void init_once(void *p) { counter = (long)p; }
        void *ext_use(void) { init_once(0); return &counter; }
        const char modinfo_name[] __attribute__((section(".modinfo"))) = "name=ext9";

        """
    /// The livepatch: patches inode_use (vmlinux), uses counter and init_once without annotations, after
    /// LivepatchTables' declarations of include/linux/livepatch.h's structs.
    static let livepatch =
        LivepatchTables.declarations + """
            extern void init_once(void *);
            extern int counter;
            static void *livepatch_inode_use(void) { init_once(0); return &counter; }
            static struct klp_func funcs[] = { { .old_name = "inode_use", .new_func = livepatch_inode_use }, { } };
            static struct klp_object objs[] = { { .funcs = funcs }, { } };
            static struct klp_patch patch = { .mod = &__this_module, .objs = objs };
            int livepatch_init(void) { return klp_enable_patch(&patch); }

            """

    struct Setup {
        var dir: String, database: String, patch: String, vmlinux: String
    }

    static func setUp(_ label: String) throws -> Setup {
        let dir = try TemporaryDirectory.make("evidence-\(label)")
        try FileManager.default.createDirectory(atPath: "\(dir)/fs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(dir)/drivers", withIntermediateDirectories: true)
        try inode.write(toFile: "\(dir)/fs/inode.c", atomically: true, encoding: .utf8)
        try dcache.write(toFile: "\(dir)/fs/dcache.c", atomically: true, encoding: .utf8)
        try kernelMain.write(toFile: "\(dir)/init.c", atomically: true, encoding: .utf8)
        try module.write(toFile: "\(dir)/drivers/ext9.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc",
            [
                "-O2", "-g", "-fno-pic", "-no-pie", "-static", "-nostdlib", "-Wl,-e,entry", "-o",
                "vmlinux", "init.c", "fs/inode.c", "fs/dcache.c",
            ], cwd: dir)
        try Tool.check("gcc", ["-O2", "-g", "-c", "drivers/ext9.c", "-o", "ext9.ko"], cwd: dir)
        let database = "\(dir)/symbols.klp"
        let built = try Tool.run(
            BuiltProducts.klpConvert,
            [
                "build-db", "-o", database, "--vmlinux", "\(dir)/vmlinux",
                "--modules", "\(dir)/ext9.ko",
            ])
        #expect(built.status == 0, "\(built.stderr)")
        let patch = try CObject.build([("livepatch", livepatch)], in: dir)
        return Setup(dir: dir, database: database, patch: patch, vmlinux: "\(dir)/vmlinux")
    }

    /// The kernel's position of the copy of `name` defined in `file`: rank by address among same-named symbols
    /// (nm, the oracle), with the file told by addr2line.
    static func position(of name: String, in file: String, vmlinux: String) throws -> Int {
        let addresses = try Tool.check("nm", [vmlinux]).split(separator: "\n").compactMap { line -> UInt64? in
            let f = line.split(separator: " ")
            return f.count == 3 && f[2] == name ? UInt64(f[0], radix: 16) : nil
        }.sorted()
        for (index, address) in addresses.enumerated() {
            let place = try Tool.check("addr2line", ["-e", vmlinux, String(address, radix: 16)])
            if place.contains("/" + file + ":") { return index + 1 }
        }
        throw ToolError(tool: "nm", problem: "no copy of \(name) in \(file)")
    }

    @Test func ambiguityErrorPrintsOnePlaceholderBlockThatCompilesOnlyWithNumbers() throws {
        let s = try Self.setUp("block")
        let run = try Tool.run(BuiltProducts.klpConvert, [s.database, s.patch, "\(s.dir)/out.ko"])
        #expect(run.status == 255)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        // One block for vmlinux holding both ambiguous symbols; the module copy is summarised.
        #expect(lines.filter { $0.hasSuffix("_relocs[] = {") }.count == 1, "\(run.stderr)")
        let start = try #require(lines.firstIndex(of: "KLP_MODULE_RELOC(vmlinux) vmlinux_relocs[] = {"))
        let end = try #require(lines[start...].firstIndex(of: "};"))
        let block = lines[start...end].joined(separator: "\n")
        let initPosition = try Self.position(of: "init_once", in: "fs/inode.c", vmlinux: s.vmlinux)
        let counterPosition = try Self.position(of: "counter", in: "fs/inode.c", vmlinux: s.vmlinux)
        #expect(
            block.contains(
                "KLP_SYMPOS(init_once, KLP_POSITION_REQUIRED_1_TO_2 /* suggested: \(initPosition) "
                    + "(same file as patched inode_use: fs/inode.c) */),"), "\(block)")
        #expect(
            block.contains(
                "KLP_SYMPOS(counter, KLP_POSITION_REQUIRED_1_TO_2 /* suggested: \(counterPosition) "
                    + "(same file as patched inode_use: fs/inode.c) */),"), "\(block)")
        #expect(block.contains("fs/inode.c:2"))
        #expect(run.stderr.contains("and 1 copy of init_once in 1 other module the patch does not target"))
        #expect(run.stderr.contains("and 1 copy of counter in 1 other module the patch does not target"))
        #expect(!FileManager.default.fileExists(atPath: "\(s.dir)/out.ko"))
        // The listings name only the targeted objects' copies.
        #expect(!lines.contains("KLP_MODULE_RELOC(ext9){"))
        #expect(lines.filter { $0 == "(and 1 copy in 1 other object the patch's klp_objects do not name)" }.count == 2)

        // Pasted as printed: gcc refuses it, naming the placeholder.
        let pastedSource = "\(s.dir)/pasted_check.c"
        try (CObject.includeLine + "\n" + Self.livepatch + block + "\n").write(
            toFile: pastedSource, atomically: true,
            encoding: .utf8)
        let failed = try Tool.run(
            "gcc", CObject.flags + [CObject.includeFlag, "pasted_check.c", "-o", "pasted_check.o"],
            cwd: s.dir)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("KLP_POSITION_REQUIRED_1_TO_2"))

        // With the suggested numbers written in, it builds and converts to the copies the suggestion names.
        var fixed = block
        for (name, position) in [("init_once", initPosition), ("counter", counterPosition)] {
            let placeholder = "KLP_SYMPOS(\(name), KLP_POSITION_REQUIRED_1_TO_2"
            fixed = fixed.replacingOccurrences(of: placeholder, with: "KLP_SYMPOS(\(name), \(position)")
        }
        let annotated = try CObject.build([("annotated", Self.livepatch + fixed + "\n")], in: s.dir)
        let converted = try Tool.run(BuiltProducts.klpConvert, [s.database, annotated, "\(s.dir)/annotated.ko"])
        #expect(converted.status == 0, "\(converted.stderr)")
        let symbols = try Readelf("\(s.dir)/annotated.ko").symbols.map(\.name)
        #expect(symbols.contains(".klp.sym.vmlinux.init_once,\(initPosition)"))
        #expect(symbols.contains(".klp.sym.vmlinux.counter,\(counterPosition)"))
    }

    @Test func explainShowsPlaceAddressAndNeighboursPerCopy() throws {
        let s = try Self.setUp("explain")
        let run = try Tool.run(BuiltProducts.klpConvert, ["explain", s.database, "init_once"])
        #expect(run.status == 0, "\(run.stderr)")
        let inodePosition = try Self.position(of: "init_once", in: "fs/inode.c", vmlinux: s.vmlinux)
        var addresses: [UInt64] = []
        for line in try Tool.check("nm", [s.vmlinux]).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, fields[2] == "init_once", let value = UInt64(fields[0], radix: 16) {
                addresses.append(value)
            }
        }
        let address = addresses.sorted()[inodePosition - 1]
        #expect(
            run.stdout.contains("  vmlinux,\(inodePosition)  fs/inode.c:2  \(String(address, radix: 16))  "),
            "\(run.stdout)")
        #expect(run.stdout.contains("  ext9,0  drivers/ext9.c:2  (unique in ext9"), "\(run.stdout)")
        // kallsyms neighbours: the function after the inode.c copy is inode_use, its next symbol in the file.
        #expect(run.stdout.contains("| inode_use"), "\(run.stdout)")
    }

    @Test func listJSONCarriesEvidenceKeysForEveryCandidate() throws {
        let s = try Self.setUp("json")
        let run = try Tool.run(BuiltProducts.klpConvert, ["list", "--json", s.database, s.patch])
        #expect(run.status == 255)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let symbols = try #require(json["symbols"] as? [[String: Any]])
        let initOnce = try #require(symbols.first { $0["name"] as? String == "init_once" })
        let candidates = try #require(initOnce["candidates"] as? [[String: Any]])
        #expect(candidates.count == 3)
        for c in candidates {
            for key in ["source", "line", "address", "neighbours", "suggested", "reason"] {
                #expect(c.keys.contains(key), "missing \(key)")
            }
        }
        let suggested = candidates.filter { $0["suggested"] as? Bool == true }
        #expect(suggested.count == 1)
        #expect(suggested.first?["source"] as? String == "fs/inode.c")
        #expect(suggested.first?["reason"] as? String == "same file as patched inode_use: fs/inode.c")
        let module = try #require(candidates.first { $0["object"] as? String == "ext9" })
        #expect(module["address"] is NSNull)
        #expect(module["line"] as? Int == 2)
        let neighbours = try #require(candidates[0]["neighbours"] as? [String: [String]])
        #expect(neighbours["before"] != nil && neighbours["after"] != nil)
    }

    @Test func listSuggestsNothingForASymbolTheAnnotationsDecided() throws {
        let s = try Self.setUp("decided")
        let annotations = "KLP_MODULE_RELOC(vmlinux) vmlinux_relocs[] = { KLP_SYMPOS(init_once, 1), };\n"
        let patch = try CObject.build([("decided", Self.livepatch + annotations)], in: s.dir)
        let run = try Tool.run(BuiltProducts.klpConvert, ["list", "--json", s.database, patch])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let symbols = try #require(json["symbols"] as? [[String: Any]], "\(run.stderr)")
        func candidates(_ name: String) throws -> [[String: Any]] {
            let symbol = try #require(symbols.first { $0["name"] as? String == name })
            return try #require(symbol["candidates"] as? [[String: Any]])
        }
        // The annotated init_once shows its copies with their evidence and no suggestion; counter, still open,
        // keeps the copy in the patched function's file.
        let decided = try candidates("init_once")
        #expect(decided.count == 3)
        #expect(decided.contains { $0["source"] as? String == "fs/inode.c" })
        #expect(decided.allSatisfy { $0["suggested"] as? Bool == false && $0["reason"] is NSNull }, "\(decided)")
        let open = try candidates("counter").filter { $0["suggested"] as? Bool == true }
        #expect(open.count == 1)
        #expect(open.first?["reason"] as? String == "same file as patched inode_use: fs/inode.c")
    }

    @Test func withoutFilesTheNearestCopyToAPatchedFunctionIsSuggested() throws {
        // A kallsyms dump: no files, addresses, kallsyms order. The patch patches kallsyms_open; s_start #2 sits
        // next to it.
        let dir = try TemporaryDirectory.make("evidence-dump")
        let dump = """
            ffffffff81100000 t s_start
            ffffffff81100100 t s_show
            ffffffff81200000 t kallsyms_open
            ffffffff81200100 t s_start
            ffffffff81300000 t s_start
            ffffffff81400000 T klp_enable_patch
            ffffffff81400010 r __ksymtab_klp_enable_patch

            """
        try dump.write(toFile: "\(dir)/kallsyms", atomically: true, encoding: .utf8)
        let database = "\(dir)/symbols.klp"
        let built = try Tool.run(
            BuiltProducts.klpConvert, ["build-db", "-o", database, "--kallsyms", "\(dir)/kallsyms"])
        #expect(built.status == 0, "\(built.stderr)")
        let source = Self.livepatch.replacingOccurrences(of: "inode_use", with: "kallsyms_open")
            .replacingOccurrences(of: "extern void init_once(void *);", with: "extern void s_start(void *);")
            .replacingOccurrences(of: "init_once(0); return &counter;", with: "s_start(0); return 0;")
            .replacingOccurrences(of: "extern int counter;", with: "")
        let patch = try CObject.build([("lp", source)], in: dir)
        let run = try Tool.run(BuiltProducts.klpConvert, [database, patch, "\(dir)/out.ko"])
        #expect(run.status == 255)
        #expect(
            run.stderr.contains(
                "KLP_SYMPOS(s_start, KLP_POSITION_REQUIRED_1_TO_3 /* suggested: 2 "
                    + "(1 symbol from patched kallsyms_open) */),"), "\(run.stderr)")
        #expect(run.stderr.contains("1 = file unknown @ffffffff81100000"))
        // explain without files says once how to get them.
        let explain = try Tool.run(BuiltProducts.klpConvert, ["explain", database, "s_start"])
        #expect(explain.stdout.components(separatedBy: "no source files or addresses").count == 1)
        #expect(
            explain.stdout.contains("between s_start, s_show, kallsyms_open | s_start, klp_enable_patch"),
            "\(explain.stdout)")
    }
}
