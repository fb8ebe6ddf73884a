import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Conversion scenarios of reference §8 and §10, built from C with gcc and checked through binutils' readelf.
@Suite struct ConversionTests {
    /// An ordered database (kallsyms order, file markers) matching the sources below.
    static let database = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -init/main.c
        saved_command_line
        -fs/inode.c
        init_once
        driver_name
        -fs/dcache.c
        init_once
        driver_name
        -kernel/printk.c
        printk
        __ksymtab_printk
        -kernel/jump_label.c
        tracepoint_printk_key
        *test_klp_convert_mod
        -test_klp_convert_mod_a.c
        driver_name
        homonym_string
        get_homonym_string
        klp_string.12345
        test_mod_key
        -test_klp_convert_mod_b.c
        homonym_string
        get_homonym_string
        klp_string.67890
        mod_exported_fn
        __export_symbol_mod_exported_fn
        """

    struct Run {
        var plan: ConversionPlan
        var output: String?
        var dir: String
    }

    static func convert(
        _ sources: [(String, String)], database text: String = database,
        options: ConversionOptions = ConversionOptions()
    ) throws -> Run {
        let dir = try TemporaryDirectory.make("conv")
        let input = try CObject.build(sources, in: dir)
        let db = try CObject.database(text, in: dir)
        let object = try ELFObject.read(path: input)
        let (plan, converted) = Converter(database: db, options: options).convert(object)
        guard let converted else { return Run(plan: plan, output: nil, dir: dir) }
        let out = "\(dir)/out.ko"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: converted), to: out)
        return Run(plan: plan, output: out, dir: dir)
    }

    static func errors(_ plan: ConversionPlan) -> [String] { plan.diagnostics.errors.map(\.message) }

    // MARK: the kernel selftest shapes

    @Test func selftestShapeConvertsThroughReadelf() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                extern char driver_name[];
                extern char homonym_string[];
                extern const char *get_homonym_string(void);
                extern char klp_string_a[] __asm__("klp_string.12345");
                extern char klp_string_b[] __asm__("klp_string.67890");
                extern int printk(const char *, ...);
                void print(void) {
                    printk("%s %s %s %s %s %s", saved_command_line, driver_name, homonym_string, get_homonym_string(),
                           klp_string_a, klp_string_b);
                }
                KLP_MODULE_RELOC(vmlinux) vmlinux_relocs[] = { KLP_SYMPOS(saved_command_line, 0) };
                KLP_MODULE_RELOC(test_klp_convert_mod) mod_relocs[] = {
                    KLP_SYMPOS(driver_name, 0), KLP_SYMPOS(homonym_string, 1), KLP_SYMPOS(get_homonym_string, 1),
                    KLP_SYMPOS(klp_string_b, 1),
                };
                """
            )
        ])
        #expect(Self.errors(run.plan) == [])
        let out = try #require(run.output)
        let elf = try Readelf(out)
        // Annotations, their relocations and the array symbols are gone.
        #expect(!elf.sections.contains { $0.name.contains("module_relocs") })
        #expect(!elf.symbols.contains { $0.name == "vmlinux_relocs" || $0.name == "mod_relocs" })
        // klp sections: flags A, I, o; link .symtab; info .text.
        let vmlinuxText = try #require(elf.section(named: ".klp.rela.vmlinux..text"))
        #expect(vmlinuxText.flags.contains("A") && vmlinuxText.flags.contains("o") && vmlinuxText.flags.contains("I"))
        #expect(elf.sections[vmlinuxText.link].name == ".symtab")
        #expect(elf.sections[vmlinuxText.info].name == ".text")
        #expect(vmlinuxText.entrySize == 0x18)
        let names = Set(elf.symbols.map(\.name))
        for expected in [
            ".klp.sym.vmlinux.saved_command_line,0", ".klp.sym.test_klp_convert_mod.driver_name,0",
            ".klp.sym.test_klp_convert_mod.homonym_string,1",
            ".klp.sym.test_klp_convert_mod.get_homonym_string,1",
            ".klp.sym.test_klp_convert_mod.klp_string.12345,0",
            ".klp.sym.test_klp_convert_mod.klp_string.67890,1",
        ] {
            #expect(names.contains(expected), "\(expected)")
            #expect(
                elf.symbols.first { $0.name == expected }?.ndx == "0xff20"
                    || elf.symbols.first { $0.name == expected }?.ndx == "OS [0xff20]")
        }
        // printk is exported: stays an ordinary relocation against an undefined symbol.
        #expect(elf.relocations[".rela.text"]?.contains { $0.symbolName == "printk" } == true)
        #expect(elf.symbols.first { $0.name == "printk" }?.ndx == "UND")
        let modText = try #require(elf.relocations[".klp.rela.test_klp_convert_mod..text"])
        #expect(modText.count == 5)
        #expect(modText.allSatisfy { ($0.symbolName ?? "").hasPrefix(".klp.sym.test_klp_convert_mod.") })
        // No non-exported undefined symbol is left.
        #expect(elf.symbols.filter { $0.ndx == "UND" && !$0.name.isEmpty }.map(\.name) == ["printk"])
        // Our own checker agrees.
        let check = LivepatchChecker(database: try CObject.database(Self.database, in: run.dir)).check(
            try ELFObject.read(path: out))
        #expect(!check.hasErrors, "\(check)")
    }

    @Test func relocationTypesAndAddendsAreKept() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                char *p = saved_command_line + 16;
                char get(void) { return saved_command_line[3]; }
                """
            )
        ])
        let input = try Readelf("\(run.dir)/lp.o")
        let output = try Readelf(try #require(run.output))
        let before = (input.relocations[".rela.text"] ?? []) + (input.relocations[".rela.data"] ?? [])
        let after =
            (output.relocations[".klp.rela.vmlinux..text"] ?? [])
            + (output.relocations[".klp.rela.vmlinux..data"] ?? [])
        #expect(
            before.map { "\($0.offset) \($0.type) \($0.addend ?? 0)" }
                == after.map { "\($0.offset) \($0.type) \($0.addend ?? 0)" })
        #expect(output.relocations[".rela.text"]?.isEmpty ?? true)
    }

    @Test func symbolUsedFromSeveralSectionsIsRenamedOnce() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                __attribute__((section(".text.one"))) char one(void) { return saved_command_line[0]; }
                __attribute__((section(".text.two"))) char two(void) { return saved_command_line[1]; }
                __attribute__((section(".text.three"))) char three(void) { return saved_command_line[2]; }
                char *ptr = saved_command_line;
                """
            )
        ])
        let elf = try Readelf(try #require(run.output))
        for s in [".text.one", ".text.two", ".text.three", ".data"] {
            #expect(elf.relocations[".klp.rela.vmlinux.\(s)"]?.count == 1, "\(s)")
        }
        #expect(elf.symbols.filter { $0.name.hasPrefix(".klp.sym.") }.count == 1)
        #expect(run.plan.symbols.count == 1 && run.plan.symbols[0].uses.count == 4)
    }

    @Test func oneBaseSectionTwoObjectsGivesTwoKlpSections() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                extern char klp_string_a[] __asm__("klp_string.12345");
                char both(void) { return saved_command_line[0] + klp_string_a[0]; }
                """
            )
        ])
        let elf = try Readelf(try #require(run.output))
        let a = try #require(elf.section(named: ".klp.rela.vmlinux..text"))
        let b = try #require(elf.section(named: ".klp.rela.test_klp_convert_mod..text"))
        #expect(a.info == b.info)
    }

    @Test func annotationsInTwoFilesForOneObjectAreMerged() throws {
        let file = { (fn: String) in
            """
            extern int init_once(void);
            int \(fn)(void) { return init_once(); }
            KLP_MODULE_RELOC(vmlinux) \(fn)_relocs[] = { KLP_SYMPOS(init_once, 2) };
            """
        }
        let run = try Self.convert([("a", file("fa")), ("b", file("fb"))])
        #expect(Self.errors(run.plan) == [])
        #expect(run.plan.annotations.count == 2)
        let elf = try Readelf(try #require(run.output))
        #expect(
            elf.relocations[".klp.rela.vmlinux..text"]?.allSatisfy { $0.symbolName == ".klp.sym.vmlinux.init_once,2" }
                == true)
    }

    @Test func conflictingAnnotationsAreReported() throws {
        let file = { (fn: String, pos: Int) in
            """
            extern int init_once(void);
            int \(fn)(void) { return init_once(); }
            KLP_MODULE_RELOC(vmlinux) \(fn)_relocs[] = { KLP_SYMPOS(init_once, \(pos)) };
            """
        }
        let run = try Self.convert([("a", file("fa", 1)), ("b", file("fb", 2))])
        #expect(run.output == nil)
        #expect(Self.errors(run.plan).contains("Conflicting KLP_SYMPOS definition: vmlinux.init_once 1 vs. 2."))
        // The symbol and object are fields of the location, for front ends that must not parse messages.
        let conflict = run.plan.diagnostics.first { $0.message.hasPrefix("Conflicting KLP_SYMPOS") }
        #expect(conflict?.location?.symbol == "init_once")
        #expect(conflict?.location?.object == "vmlinux")
    }

    @Test func annotationsWithDebugInfoLeaveNoDanglingRelocations() throws {
        let dir = try TemporaryDirectory.make("dbg")
        let input = try CObject.build(
            [
                (
                    "lp",
                    """
                    extern int init_once(void);
                    int f(void) { return init_once(); }
                    KLP_MODULE_RELOC(vmlinux) relocs[] = { KLP_SYMPOS(init_once, 1) };
                    """
                )
            ], extraFlags: ["-g"], in: dir)
        let before = try Readelf(input)
        #expect(before.relocations[".rela.debug_info"]?.contains { $0.symbolName == "relocs" } == true)
        let object = try ELFObject.read(path: input)
        let (plan, out) = Converter(database: try CObject.database(Self.database, in: dir)).convert(object)
        #expect(!plan.hasErrors)
        let path = "\(dir)/out.ko"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: try #require(out)), to: path)
        let after = try Readelf(path)
        #expect(after.relocations[".rela.debug_info"]?.contains { $0.symbolName == "relocs" } == false)
        #expect(after.problems.isEmpty, "\(after.problems)")
    }

    // MARK: message categories (reference §4.3)

    @Test func ambiguousWithoutAnnotationListsCandidatesWithPositionsAndFiles() throws {
        let run = try Self.convert([("lp", "extern int init_once(void); int f(void) { return init_once(); }")])
        #expect(run.output == nil)
        let d = try #require(run.plan.diagnostics.first { $0.message == "Define KLP_SYMPOS for the symbol: init_once" })
        #expect(d.detail.contains("\tKLP_SYMPOS(init_once,1)\t/* fs/inode.c */"))
        #expect(d.detail.contains("\tKLP_SYMPOS(init_once,2)\t/* fs/dcache.c */"))
        // No compilable default position: the paste block with placeholders comes from AmbiguityBlock.
        #expect(!d.detail.contains { $0.contains("relocs[] = {") })
        #expect(d.location?.section == ".text")
        #expect(run.plan.symbols[0].status == .ambiguous)
    }

    @Test func missingSymbolIsReported() throws {
        let run = try Self.convert([("lp", "extern int no_such_symbol; int f(void) { return no_such_symbol; }")])
        #expect(Self.errors(run.plan) == ["Unable to find missing symbol: no_such_symbol"])
        #expect(run.plan.symbols[0].status == .notFound)
    }

    @Test(arguments: [
        (
            "KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 0) };",
            "Provided KLP_SYMPOS of 0, but found 2 symbols matching: vmlinux.init_once,0"
        ),
        (
            "KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 3) };",
            "Provided KLP_SYMPOS does not match a symbol: vmlinux.init_once,3"
        ),
        (
            "KLP_MODULE_RELOC(no_such_module) r[] = { KLP_SYMPOS(init_once, 1) };",
            "Provided KLP_SYMPOS does not match a symbol: no_such_module.init_once,1"
        ),
        (
            "KLP_MODULE_RELOC(test_klp_convert_mod) r[] = { KLP_SYMPOS(init_once, 0) };",
            "Provided KLP_SYMPOS of 0, but found 0 symbols matching: test_klp_convert_mod.init_once,0"
        ),
    ])
    func invalidPositionsAreRejected(annotation: String, message: String) throws {
        let run = try Self.convert([
            ("lp", "extern int init_once(void); int f(void) { return init_once(); }\n" + annotation)
        ])
        #expect(run.output == nil)
        #expect(Self.errors(run.plan).contains { $0.hasPrefix(message) }, "\(Self.errors(run.plan))")
        #expect(run.plan.symbols[0].status == .invalid)
    }

    @Test func unusedAnnotationIsAnError() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern int init_once(void);
                extern char saved_command_line[];
                char f(void) { return saved_command_line[0]; }
                KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 1) };
                """
            )
        ])
        #expect(Self.errors(run.plan) == ["Couldn't find rela for annotated symbol: init_once"])
        #expect(run.plan.diagnostics.errors.first?.location?.symbol == "init_once")
        #expect(run.plan.diagnostics.errors.first?.location?.object == "vmlinux")
    }

    @Test func unsupportedSectionsAreRefusedAndAllErrorsOfTheFileAreReported() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                extern int no_such_symbol;
                __attribute__((section(".init.text"))) char early(void) { return saved_command_line[0]; }
                __attribute__((section(".text.late"))) int late(void) { return no_such_symbol; }
                """
            )
        ])
        let errors = Self.errors(run.plan)
        #expect(
            errors.contains {
                $0.hasPrefix(
                    "Conversion not supported for symbol: saved_command_line section: .rela.init.text object: vmlinux")
            })
        #expect(errors.contains("Unable to find missing symbol: no_such_symbol"))
        #expect(run.output == nil)
    }

    @Test func jumpTableOnlyForVmlinuxKeys() throws {
        let jump = { (key: String) in
            """
            extern int \(key);
            int f(void) {
                asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\\n"
                         ".pushsection __jump_table, \\"aw\\"\\n .balign 8\\n .long 1b - .\\n \
            .long %l[l_yes] - .\\n .quad \(key) - .\\n .popsection"
                         : : : : l_yes);
                return 0;
            l_yes:
                return 1;
            }
            """
        }
        let ok = try Self.convert([("lp", jump("tracepoint_printk_key"))])
        #expect(Self.errors(ok.plan) == [])
        #expect(try Readelf(try #require(ok.output)).relocations[".klp.rela.vmlinux.__jump_table"]?.count == 1)
        let bad = try Self.convert([("lp", jump("test_mod_key"))])
        #expect(
            Self.errors(bad.plan).contains {
                $0.hasPrefix(
                    "Conversion not supported for symbol: test_mod_key section: .rela__jump_table "
                        + "object: test_klp_convert_mod"
                )
            })
    }

    @Test func readOnlyLateRelocationWarnsAndStrictRefuses() throws {
        let source = """
            extern char homonym_string[];
            char *const ro_ptr = homonym_string;
            char *const *use(void) { return &ro_ptr; }
            KLP_MODULE_RELOC(test_klp_convert_mod) r[] = { KLP_SYMPOS(homonym_string, 2) };
            """
        let run = try Self.convert([("lp", source)])
        #expect(run.output != nil)
        #expect(
            run.plan.diagnostics.warnings.contains {
                $0.message.hasPrefix("late relocation into read-only memory for symbol: homonym_string")
            })
        let strict = try Self.convert([("lp", source)], options: ConversionOptions(strict: true))
        #expect(strict.output == nil)
    }

    // MARK: edge cases (reference §8)

    @Test func uniqueInModuleButDuplicatedInVmlinuxWithPositionZero() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char driver_name[];
                char f(void) { return driver_name[0]; }
                KLP_MODULE_RELOC(test_klp_convert_mod) r[] = { KLP_SYMPOS(driver_name, 0) };
                """
            )
        ])
        #expect(Self.errors(run.plan) == [])
        #expect(run.plan.symbols[0].newName == ".klp.sym.test_klp_convert_mod.driver_name,0")
    }

    @Test func positionOneForAUniqueSymbolIsAccepted() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[];
                char f(void) { return saved_command_line[0]; }
                KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(saved_command_line, 1) };
                """
            )
        ])
        #expect(run.plan.symbols[0].newName == ".klp.sym.vmlinux.saved_command_line,1")
    }

    @Test func weakUndefinedMissingFromDatabaseIsLeftWithAWarning() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern int optional_hook(void) __attribute__((weak));
                int f(void) { return optional_hook ? optional_hook() : 0; }
                """
            )
        ])
        #expect(run.output != nil)
        #expect(run.plan.symbols[0].status == .weakUndefined)
        #expect(run.plan.diagnostics.warnings.count == 1)
    }

    @Test func moduleExportsStayOrdinaryUnlessAsked() throws {
        let source = "extern int mod_exported_fn(void); int f(void) { return mod_exported_fn(); }"
        let plain = try Self.convert([("lp", source)])
        #expect(plain.plan.symbols[0].status == .exported)
        #expect(
            try Readelf(try #require(plain.output)).relocations[".rela.text"]?.contains {
                $0.symbolName == "mod_exported_fn"
            } == true)
        let late = try Self.convert([("lp", source)], options: ConversionOptions(convertModuleExports: true))
        #expect(late.plan.symbols[0].newName == ".klp.sym.test_klp_convert_mod.mod_exported_fn,0")
    }

    @Test func choicesActLikeAnnotations() throws {
        let run = try Self.convert(
            [("lp", "extern int init_once(void); int f(void) { return init_once(); }")],
            options: ConversionOptions(choices: ["init_once": SymbolTarget(object: "vmlinux", position: 2)]))
        #expect(run.plan.symbols[0].status == .chosen)
        #expect(run.plan.symbols[0].newName == ".klp.sym.vmlinux.init_once,2")
    }

    @Test func minimalVersionNamesAreAccepted() throws {
        let run = try Self.convert([
            (
                "lp",
                """
                extern char saved_command_line[] __asm__("\\".klp.sym.rela.vmlinux.vmlinux.saved_command_line,0\\"");
                extern char hs[] __asm__(".klp.sym.rela.test_klp_convert_mod.test_klp_convert_mod.homonym_string.2");
                char f(void) { return saved_command_line[0] + hs[0]; }
                """
            )
        ])
        #expect(Self.errors(run.plan) == [])
        let elf = try Readelf(try #require(run.output))
        #expect(elf.symbols.contains { $0.name == ".klp.sym.vmlinux.saved_command_line,0" })
        #expect(elf.symbols.contains { $0.name == ".klp.sym.test_klp_convert_mod.homonym_string,2" })
        #expect(elf.section(named: ".klp.rela.test_klp_convert_mod..text") != nil)
    }

    @Test func secondRunChangesNothingAndOutputIsDeterministic() throws {
        let source = """
            extern char saved_command_line[];
            extern int init_once(void);
            int f(void) { return saved_command_line[0] + init_once(); }
            KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
            """
        let a = try Self.convert([("lp", source)])
        let b = try Self.convert([("lp", source)])
        let first = try FileIO.readAll(path: try #require(a.output))
        #expect(first == (try FileIO.readAll(path: try #require(b.output))))
        let again = try ELFObject.read(path: try #require(a.output))
        let (plan, out) = Converter(database: try CObject.database(Self.database, in: a.dir)).convert(again)
        #expect(!plan.hasErrors)
        #expect(plan.symbols.allSatisfy { $0.status == .converted })
        #expect(try ELFWriter.bytes(of: try #require(out)) == first)
    }

    @Test func objectWithNothingToConvertIsUnchanged() throws {
        let dir = try TemporaryDirectory.make("noop")
        let input = try CObject.build(
            [("lp", "extern int printk(const char *, ...); int f(void) { return printk(\"x\"); }")], extraFlags: ["-g"],
            in: dir)
        let (plan, out) = Converter(database: try CObject.database(Self.database, in: dir)).convert(
            try ELFObject.read(path: input))
        #expect(plan.createdSections.isEmpty && !plan.hasErrors)
        try FileIO.writeAtomically(try ELFWriter.bytes(of: try #require(out)), to: "\(dir)/out.o")
        #expect(try ELFRoundTripTests.normalizedReadelf(input) == ELFRoundTripTests.normalizedReadelf("\(dir)/out.o"))
    }

    @Test func nameLimitsOfTheKernelAreChecked() throws {
        let long = String(repeating: "m", count: 56)
        let run = try Self.convert(
            [
                (
                    "lp",
                    """
                    extern int init_once(void);
                    int f(void) { return init_once(); }
                    """
                )
            ], database: "klp-convert-symbol-data.0.1\n*\(long)\ninit_once\n")
        #expect(Self.errors(run.plan).contains { $0.contains("the kernel reads at most 55") })
        let comma = try Self.convert(
            [
                (
                    "lp",
                    """
                    extern int odd(void) __asm__("\\"odd,name\\"");
                    int f(void) { return odd(); }
                    """
                )
            ], database: "klp-convert-symbol-data.0.1\n*vmlinux\nodd,name\n")
        #expect(Self.errors(comma.plan).contains { $0.contains("contains ','") })
    }

    @Test func unreferencedUndefinedSymbolIsCaught() throws {
        // An undefined symbol with no relocation (kept by -fno-toplevel-reorder style asm) would still make the
        // kernel's simplify_symbols fail.
        let run = try Self.convert([
            (
                "lp",
                """
                asm(".globl never_used_symbol");
                int f(void) { return 0; }
                """
            )
        ])
        #expect(
            Self.errors(run.plan).contains {
                $0.hasPrefix("undefined symbol never_used_symbol is used by no relocation")
            })
    }
}
