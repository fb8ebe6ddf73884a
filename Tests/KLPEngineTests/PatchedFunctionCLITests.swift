import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The patched functions (klp_func.old_name / old_sympos, DECISIONS 8) through the binary: a gcc-built "vmlinux"
/// with two init_once copies and a module, build-db, then livepatches whose klp_func tables gcc builds, each with
/// one entry of a kind (unique, ambiguous, beyond the copies, missing, unknown module), as convert, check and
/// list see them. Positions are never hard-coded: nm and addr2line tell which copy is which.
@Suite struct PatchedFunctionCLITests {
    /// LivepatchTables' declarations and the replacement functions the tables point at.
    static let tables =
        LivepatchTables.declarations + """
            static void livepatch_init_once(void *p) { (void)p; }
            static void *livepatch_inode_use(void) { return 0; }

            """

    /// A livepatch whose vmlinux klp_object has `entries` (C initialisers of struct klp_func) and, when given, a
    /// second klp_object for `module` with `moduleEntries`.
    static func livepatch(_ entries: [String], module: String? = nil, moduleEntries: [String] = []) -> String {
        var text = tables
        text += "static struct klp_func funcs[] = {\n" + entries.map { "\t\($0),\n" }.joined() + "\t{ }\n};\n"
        var objects = ["{ .funcs = funcs }"]
        if let module {
            text +=
                "static struct klp_func module_funcs[] = {\n"
                + moduleEntries.map { "\t\($0),\n" }.joined() + "\t{ }\n};\n"
            objects.append("{ .name = \"\(module)\", .funcs = module_funcs }")
        }
        text += "static struct klp_object objs[] = { " + objects.joined(separator: ", ") + ", { } };\n"
        text += "static struct klp_patch patch = { .mod = &__this_module, .objs = objs };\n"
        text += "int livepatch_init(void) { return klp_enable_patch(&patch); }\n"
        return text
    }

    static func entry(_ name: String, _ sympos: Int = 0) -> String {
        let function = name == "init_once" ? "livepatch_init_once" : "livepatch_inode_use"
        return "{ .old_name = \"\(name)\", .new_func = \(function), .old_sympos = \(sympos) }"
    }

    struct Setup {
        var dir: String, database: String, vmlinux: String
        func patch(_ label: String, _ source: String) throws -> String {
            let dir = "\(self.dir)/\(label)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try CObject.build([("livepatch", source)], in: dir)
        }
    }

    static func setUp(_ label: String) throws -> Setup {
        let s = try EvidenceCLITests.setUp("functions-\(label)")
        return Setup(dir: s.dir, database: s.database, vmlinux: s.vmlinux)
    }

    static func run(_ arguments: [String]) throws -> ChildProcessResult {
        try Tool.run(BuiltProducts.klpConvert, arguments)
    }

    @Test func uniqueAndChosenCopiesConvertAndCheckOK() throws {
        let s = try Self.setUp("ok")
        let dcache = try EvidenceCLITests.position(of: "init_once", in: "fs/dcache.c", vmlinux: s.vmlinux)
        let patch = try s.patch(
            "ok",
            Self.livepatch(
                [Self.entry("inode_use"), Self.entry("init_once", dcache)],
                module: "ext9", moduleEntries: [Self.entry("init_once")]))
        let converted = try Self.run([s.database, patch, "\(s.dir)/ok.ko"])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stderr.isEmpty, "\(converted.stderr)")
        let checked = try Self.run(["check", "--symbols", s.database, "\(s.dir)/ok.ko"])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("ok.ko: ok"))
    }

    @Test func ambiguousOldSymposIsAnErrorWithItsPlaceInConvertAndCheck() throws {
        let s = try Self.setUp("ambiguous")
        let patch = try s.patch("ambiguous", Self.livepatch([Self.entry("inode_use"), Self.entry("init_once")]))
        let output = "\(s.dir)/ambiguous.ko"
        let converted = try Self.run([s.database, patch, output])
        #expect(converted.status == 255)
        let message =
            "patched function init_once (klp_func funcs[1] of objs[0] (vmlinux)): old_sympos is 0 but "
            + "vmlinux has 2 copies; the kernel refuses the patch (unresolvable ambiguity for symbol 'init_once')"
        #expect(converted.stderr.contains(message), "\(converted.stderr)")
        let inode = try EvidenceCLITests.position(of: "init_once", in: "fs/inode.c", vmlinux: s.vmlinux)
        #expect(converted.stderr.contains("\t.old_sympos = \(inode),\t/* fs/inode.c */"), "\(converted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))

        // The drop-in case that wants only the relocations: converted, and check --symbols says what convert said.
        let dropIn = try Self.run(["convert", "--no-check-functions", s.database, patch, output])
        #expect(dropIn.status == 0, "\(dropIn.stderr)")
        let checked = try Self.run(["check", "--symbols", s.database, output])
        #expect(checked.status == 255)
        #expect(checked.stderr.contains(message), "\(checked.stderr)")
        // Without a database there is nothing to count copies against.
        let plain = try Self.run(["check", output])
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    @Test func oldSymposBeyondTheCopiesIsInvalid() throws {
        let s = try Self.setUp("beyond")
        let patch = try s.patch("beyond", Self.livepatch([Self.entry("init_once", 3)]))
        let converted = try Self.run([s.database, patch, "\(s.dir)/beyond.ko"])
        #expect(converted.status == 255)
        #expect(
            converted.stderr.contains(
                "patched function init_once (klp_func funcs[0] of objs[0] (vmlinux)): old_sympos is 3 but vmlinux "
                    + "has 2 copies (valid: 1..2); the kernel refuses the patch (symbol position 3 for symbol "
                    + "'init_once' in object 'vmlinux' not found)"), "\(converted.stderr)")
        // A unique name: 0, or 1 as the kernel also accepts; 2 is beyond.
        let module = try s.patch(
            "beyond-module", Self.livepatch([], module: "ext9", moduleEntries: [Self.entry("init_once", 2)]))
        let moduleRun = try Self.run([s.database, module, "\(s.dir)/beyond-module.ko"])
        #expect(moduleRun.status == 255)
        #expect(
            moduleRun.stderr.contains("old_sympos is 2 but ext9 has 1 copy (valid: 0 (unique))"),
            "\(moduleRun.stderr)")
        let one = try s.patch(
            "one-module", Self.livepatch([], module: "ext9", moduleEntries: [Self.entry("init_once", 1)]))
        #expect(try Self.run([s.database, one, "\(s.dir)/one-module.ko"]).status == 0)
    }

    @Test func missingFunctionNamesTheNearestNames() throws {
        let s = try Self.setUp("missing")
        let patch = try s.patch("missing", Self.livepatch([Self.entry("inode_use"), Self.entry("inode_usee")]))
        let converted = try Self.run([s.database, patch, "\(s.dir)/missing.ko"])
        #expect(converted.status == 255)
        #expect(
            converted.stderr.contains(
                "patched function inode_usee (klp_func funcs[1] of objs[0] (vmlinux)): vmlinux has no symbol "
                    + "inode_usee (nearest: inode_use); the kernel refuses the patch (symbol 'inode_usee' not "
                    + "found in symbol table)"), "\(converted.stderr)")
    }

    @Test func aModuleTheDatabaseDoesNotKnowIsAWarning() throws {
        let s = try Self.setUp("unknown")
        let patch = try s.patch(
            "unknown",
            Self.livepatch(
                [Self.entry("inode_use")], module: "ext10",
                moduleEntries: [Self.entry("init_once")]))
        let converted = try Self.run([s.database, patch, "\(s.dir)/unknown.ko"])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stderr.contains("warning: patched object ext10 is not in symbols.klp"), "\(converted.stderr)")
        let json = try Self.run(["list", "--json", s.database, patch])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let functions = try #require(document["patchedFunctions"] as? [[String: Any]])
        let module = try #require(functions.first { $0["object"] as? String == "ext10" })
        #expect(module["status"] as? String == "missing")
        #expect(module["objectKnown"] as? Bool == false)
    }

    @Test func listJSONGivesEveryFunctionWithStatusAndEvidence() throws {
        let s = try Self.setUp("json")
        let patch = try s.patch(
            "json",
            Self.livepatch([
                Self.entry("inode_use"), Self.entry("init_once"), Self.entry("init_once", 5), Self.entry("no_such"),
            ]))
        let run = try Self.run(["list", "--json", s.database, patch])
        #expect(run.status == 255)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let functions = try #require(document["patchedFunctions"] as? [[String: Any]])
        try #require(functions.map { $0["status"] as? String } == ["ok", "ambiguous", "invalid", "missing"])
        #expect(functions.map { $0["oldSympos"] as? Int } == [0, 0, 5, 0])
        #expect(functions.map { $0["copies"] as? Int } == [1, 2, 2, 0])
        for f in functions {
            for key in ["object", "name", "oldSympos", "status", "copies", "candidates"] {
                #expect(f.keys.contains(key), "missing \(key)")
            }
        }
        let ambiguous = try #require(functions[1]["candidates"] as? [[String: Any]])
        #expect(ambiguous.count == 2)
        for c in ambiguous {
            for key in ["object", "position", "source", "line", "address", "neighbours", "suggested", "reason"] {
                #expect(c.keys.contains(key), "missing \(key)")
            }
        }
        // The other patched function, inode_use, is in fs/inode.c: that copy is suggested, with the reason.
        let inode = try EvidenceCLITests.position(of: "init_once", in: "fs/inode.c", vmlinux: s.vmlinux)
        let suggested = ambiguous.filter { $0["suggested"] as? Bool == true }
        #expect(suggested.count == 1)
        #expect(suggested.first?["position"] as? Int == inode)
        #expect(suggested.first?["reason"] as? String == "same file as patched inode_use: fs/inode.c")
        #expect(suggested.first?["line"] as? Int == 2)
        // The text listing says the same.
        let text = try Self.run(["list", s.database, patch])
        #expect(
            text.stdout.contains("init_once  [ambiguous]  vmlinux,old_sympos 0  klp_func funcs[1] of objs[0]"),
            "\(text.stdout)")
        #expect(text.stdout.contains("no_such  [missing]"))
    }

    /// The struct layout is read only for machines whose rules are known: another one is refused, not guessed.
    @Test func anUnknownMachineIsRefusedByCheck() throws {
        let s = try Self.setUp("machine")
        let patch = try s.patch("machine", Self.livepatch([Self.entry("inode_use")]))
        var bytes = try #require(FileManager.default.contents(atPath: patch).map { [UInt8]($0) })
        bytes[18] = 0xf3  // e_machine = EM_RISCV (243), little-endian
        bytes[19] = 0
        let riscv = "\(s.dir)/riscv.o"
        try FileIO.writeAtomically(bytes, to: riscv)
        let checked = try Self.run(["check", "--symbols", s.database, riscv])
        #expect(checked.status == 255)
        #expect(
            checked.stderr.contains(
                "patched functions not checked: the klp_patch/klp_object/klp_func layout is not known for riscv"),
            "\(checked.stderr)")
    }

    /// The layouts of the other machines: the same table built by Debian's cross compilers (64- and 32-bit,
    /// big-endian s390x and ppc32, ppc64 ELFv1 whose function pointers are .opd descriptors) reads the same.
    @Test(arguments: [
        "s390x-linux-gnu-gcc", "powerpc64-linux-gnu-gcc", "powerpc-linux-gnu-gcc", "aarch64-linux-gnu-gcc",
    ])
    func otherMachinesReadTheSameEntries(compiler: String) throws {
        let s = try Self.setUp("cross-\(compiler.prefix(5))")
        let source = "\(s.dir)/cross.c"
        let text = Self.livepatch(
            [Self.entry("inode_use"), Self.entry("init_once"), Self.entry("init_once", 3), Self.entry("inode_usee")],
            module: "ext9", moduleEntries: [Self.entry("init_once")])
        try text.write(toFile: source, atomically: true, encoding: .utf8)
        let object = "\(s.dir)/cross-\(compiler).o"
        try Tool.check(compiler, ["-O2", "-c", "-w", source, "-o", object], cwd: s.dir)
        let run = try Self.run(["list", "--json", s.database, object])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let functions = try #require(document["patchedFunctions"] as? [[String: Any]], "\(run.stderr)")
        #expect(functions.map { $0["status"] as? String } == ["ok", "ambiguous", "invalid", "missing", "ok"])
        #expect(functions.map { $0["oldSympos"] as? Int } == [0, 0, 3, 0, 0])
        #expect(functions.map { $0["object"] as? String } == ["vmlinux", "vmlinux", "vmlinux", "vmlinux", "ext9"])
    }
}
