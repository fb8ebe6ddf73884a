import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// System.map, /proc/kallsyms dumps, Module.symvers, the combination of a dump with module files, and the bytes
/// the writer produces.
@Suite struct DatabaseBuilderTextInputTests {
    static func temp(_ label: String, _ name: String, _ text: String) throws -> String {
        let dir = try TemporaryDirectory.make(label)
        try BuilderTestFiles.write(text, "\(dir)/\(name)")
        return "\(dir)/\(name)"
    }

    @Test func systemMapKeepsWhatKallsymsKeepsInAddressOrder() throws {
        // Deliberately not in address order, with symbols kallsyms never lists.
        let map = try Self.temp(
            "sysmap", "System.map",
            """
            ffffffff81002000 t init_once
            0000000000001234 A abs_symbol
            ffffffff81000000 T _stext
            ffffffff81001000 t init_once
            ffffffff81001100 T __kernel_syscall_via_epc_not
            ffffffff81001200 a __gp
            ffffffff81001300 t $x
            ffffffff81001400 t .Ltmp1
            ffffffff81001500 D kallsyms_names
            ffffffff81001600 r __ksymtab_printk
            ffffffff81001700 T printk
            ffffffff81001800 N debug_thing
            ffffffff81003000 T _etext
            ffffffff82000000 d data_after_text
            ffffffff81002000 t init_once

            """)
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: map))
        let vmlinux = try #require(result.database.object(named: "vmlinux"))
        #expect(
            vmlinux.symbols.map(\.name) == [
                "_stext", "init_once", "__kernel_syscall_via_epc_not", "__gp",
                "__ksymtab_printk", "printk", "init_once", "init_once", "_etext",
                "data_after_text",
            ])
        #expect(vmlinux.exports == ["printk"])
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "map.klp")
        #expect(db.candidates(named: "init_once", in: "vmlinux").map(\.position) == [1, 2, 3])
        // Without CONFIG_KALLSYMS_ALL only text is kept.
        let textOnly = try DatabaseBuilder.build(
            DatabaseBuildInputs(systemMap: map, rules: KernelRules(kallsymsAll: false)))
        #expect(!(textOnly.database.object(named: "vmlinux")?.symbols.map(\.name).contains("data_after_text") ?? true))
        #expect(textOnly.database.object(named: "vmlinux")?.symbols.map(\.name).contains("_etext") == true)

        let bad = try Self.temp("sysmap-bad", "System.map", "ffffffff81000000 T ok\nnot a map line\n")
        #expect(
            throws: DatabaseBuildError(
                path: bad, line: 2,
                "not a System.map line (expected 'address type name')")
        ) {
            try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: bad))
        }
    }

    @Test func sameAddressTiesFollowTheKallsymsTableOrder() throws {
        // From a real Debian 6.1 System.map / /proc/kallsyms pair: at one address kallsyms puts strong before
        // weak, linker-script names (__start_*, __*_end) last, and fewer leading underscores first.
        let map = try Self.temp(
            "sysmap-ties", "System.map",
            """
            0000000000000000 D __per_cpu_start
            0000000000000000 D fixed_percpu_data
            ffffffff81000000 T _stext
            ffffffff81000000 T _text
            ffffffff81000000 T startup_64
            ffffffff81100000 W crc32_le
            ffffffff81100000 T crc32_le_base
            ffffffff81100000 V weak_object
            ffffffff81100000 T __zz

            """)
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: map))
        #expect(
            result.database.object(named: "vmlinux")?.symbols.map(\.name) == [
                "fixed_percpu_data", "__per_cpu_start", "startup_64", "_stext", "_text",
                "crc32_le_base", "weak_object", "__zz", "crc32_le",
            ])
    }

    static let dump = """
        ffffffff81000000 T _stext
        ffffffff81001000 t type_show
        ffffffff81001100 r __ksymtab_printk
        ffffffff81001200 T printk
        ffffffff81002000 t type_show
        ffffffffc0001000 t helper\t[mod_a]
        ffffffffc0001100 t helper\t[mod_a]
        ffffffffc0001200 T __ksymtab_mod_a_api\t[mod_a]
        ffffffffc0001300 T mod_a_api\t[mod_a]
        ffffffffc0002000 t lp_new\t[lp_demo]
        0000000000000000 U printk\t[lp_demo]
        ffffffffc0003000 t kprobe_insn_page\t[__builtin__kprobes]
        ffffffffc0004000 t bpf_prog_123\t[bpf]
        ffffffffc0001800 t init_copy\t[mod_a]

        """

    @Test func kallsymsDumpGivesVmlinuxAndLoadedModulesInWalkOrder() throws {
        let path = try Self.temp("kallsyms", "kallsyms.txt", Self.dump)
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(kallsyms: path))
        #expect(result.database.objects.map(\.name) == ["vmlinux", "mod_a"])
        #expect(
            result.database.object(named: "vmlinux")?.symbols.map(\.name)
                == ["_stext", "type_show", "__ksymtab_printk", "printk", "type_show"])
        #expect(
            result.database.object(named: "mod_a")?.symbols.map(\.name)
                == ["helper", "helper", "__ksymtab_mod_a_api", "mod_a_api"])
        #expect(result.database.object(named: "mod_a")?.exports == ["mod_a_api"])
        #expect(result.issues.contains { $0.kind == .note && $0.message.contains("livepatch module lp_demo") })
        #expect(!result.somethingSkipped)
        let text = String(decoding: result.bytes, as: UTF8.self)
        // The dump's addresses go to the evidence block: one record per line above it (EvidenceFormat).
        #expect(
            text == """
                klp-convert-symbol-data.0.1 order=kallsyms evidence=1
                *vmlinux
                _stext
                type_show
                __ksymtab_printk
                printk
                type_show
                *mod_a
                helper
                helper
                __ksymtab_mod_a_api
                mod_a_api
                *.klp_evidence
                @
                @ffffffff81000000
                @ffffffff81001000
                @ffffffff81001100
                @ffffffff81001200
                @ffffffff81002000
                @
                @ffffffffc0001000
                @ffffffffc0001100
                @ffffffffc0001200
                @ffffffffc0001300

                """)
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "k.klp")
        #expect(db.candidates(named: "type_show", in: "vmlinux").map(\.position) == [1, 2])
        #expect(db.candidates(named: "type_show", in: "vmlinux").map(\.file) == [nil, nil])

        let bad = try Self.temp("kallsyms-bad", "kallsyms.txt", "ffffffff81000000 T ok\nffffffff81000000 T x\tmodule\n")
        #expect(throws: DatabaseBuildError(path: bad, line: 2, "module field is not '[name]'")) {
            try DatabaseBuilder.build(DatabaseBuildInputs(kallsyms: bad))
        }
    }

    @Test func kallsymsForVmlinuxAndModuleFilesForModules() throws {
        let dir = try TemporaryDirectory.make("builddb-combo")
        let module = try DatabaseBuilderModuleTests.buildModule(dir, "mod-a.ko")
        let path = try Self.temp("kallsyms", "kallsyms.txt", Self.dump)
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(modules: [module], kallsyms: path))
        #expect(result.database.objects.map(\.name) == ["vmlinux", "mod_a"])
        // The module block comes from the file (with files), not from the dump.
        #expect(result.database.object(named: "mod_a")?.source == module)
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "c.klp")
        #expect(db.candidates(named: "helper", in: "mod_a").map(\.file) == ["part_a.c", "part_b.c"])
        #expect(db.candidates(named: "type_show", in: "vmlinux").map(\.position) == [1, 2])
    }

    @Test func moduleSymversAddsExports() throws {
        let symvers = try Self.temp(
            "symvers", "Module.symvers",
            """
            0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t
            0x9abcdef0\tfoo_api\tdrivers/net/foo-bar\tEXPORT_SYMBOL_GPL\tFOO_NS

            """)
        let map = try Self.temp("sysmap", "System.map", "ffffffff81000000 T printk\n")
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: map, symvers: [symvers]))
        #expect(
            String(decoding: result.bytes, as: UTF8.self) == """
                klp-convert-symbol-data.0.1 order=kallsyms evidence=1
                *vmlinux
                printk
                __ksymtab_printk
                *foo_bar
                __ksymtab_foo_api
                *.klp_evidence
                @
                @ffffffff81000000
                @
                @
                @

                """)
        let bad = try Self.temp("symvers-bad", "Module.symvers", "0x1 only-two\n")
        #expect(throws: DatabaseBuildError.self) {
            try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: map, symvers: [bad]))
        }
    }

    @Test func writerMarksFilesAndLeavesOutUnwritableNames() {
        let database = BuiltDatabase(objects: [
            BuiltObject(name: "zeta", symbols: [BuiltSymbol(name: "z")], source: "t"),
            BuiltObject(
                name: "vmlinux",
                symbols: [
                    BuiltSymbol(name: "a", file: "a.c"), BuiltSymbol(name: "b", file: "a.c"),
                    BuiltSymbol(name: "g"), BuiltSymbol(name: "-dash"), BuiltSymbol(name: "c", file: "c.c"),
                    BuiltSymbol(name: "new\nline", file: "c.c"), BuiltSymbol(name: "__ksymtab_"),
                ], exports: ["b", "a"], source: "t"),
            BuiltObject(name: "alpha", source: "t"),
        ])
        let (bytes, unwritable) = DatabaseWriter.render(database)
        #expect(
            String(decoding: bytes, as: UTF8.self) == """
                klp-convert-symbol-data.0.1 order=kallsyms
                *vmlinux
                -a.c
                a
                b
                -?
                g
                -c.c
                c
                __ksymtab_a
                __ksymtab_b
                *alpha
                *zeta
                z

                """)
        #expect(unwritable.count == 3)
    }

    @Test func noInputsIsAnError() {
        #expect(throws: DatabaseBuildError.self) { try DatabaseBuilder.build(DatabaseBuildInputs()) }
        #expect(throws: DatabaseBuildError.self) {
            try DatabaseBuilder.build(DatabaseBuildInputs(systemMap: "/nonexistent/System.map"))
        }
    }
}
