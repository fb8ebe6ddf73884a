import KLPTestSupport
import Testing

@testable import KLPEngine

/// What the plan holds and how it is built (issue 18): decisions without the database's candidate lines, the lines
/// read only when something shows them, and each symbol's uses in file order out of one shared array.
@Suite struct ConversionPlanShapeTests {
    /// `init_once` has many copies in one module (a distribution database names some statics thousands of times).
    static let copies = 3_000
    static let database =
        """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -init/main.c
        saved_command_line
        -kernel/printk.c
        printk
        __ksymtab_printk
        -fs/dcache.c
        dentry_hash
        *mod_a
        -mod_a.c
        dentry_hash

        """ + (1...copies).map { "-file\($0).c\ninit_once\n" }.joined()

    static let source = """
        extern char saved_command_line[];
        extern char dentry_hash[];
        extern char init_once[];
        extern int printk(const char *, ...);
        __attribute__((section(".text.one"))) char one(void) { return saved_command_line[0] + init_once[1]; }
        __attribute__((section(".text.two"))) char two(void) { return init_once[2] + saved_command_line[3]; }
        char *ptr = saved_command_line;
        void print(void) { printk("%s", init_once); }
        KLP_MODULE_RELOC(mod_a) relocs[] = { KLP_SYMPOS(init_once, 2999) };
        """

    static func plan(_ source: String) throws -> (ConversionPlan, SymbolDatabase, String) {
        let dir = try TemporaryDirectory.make("plan-shape")
        let input = try CObject.build([("lp", source)], in: dir)
        let database = try CObject.database(Self.database, in: dir)
        return (Converter(database: database).plan(try ELFObject.read(path: input)), database, input)
    }

    @Test func candidateLinesAreReadOnlyWhenAskedForAndAreTheDatabases() throws {
        let (plan, database, _) = try Self.plan(Self.source)
        #expect(plan.diagnostics.errors.isEmpty, "\(plan.diagnostics)")
        let byName = Dictionary(uniqueKeysWithValues: plan.symbols.map { ($0.name, $0) })
        #expect(byName["init_once"]?.status == .annotated)
        #expect(byName["saved_command_line"]?.status == .automatic)
        #expect(byName["printk"]?.status == .exported)
        // Planning decided all of them without building one candidate line.
        for symbol in plan.symbols {
            #expect(symbol.candidateLines?.wereRead == false, "\(symbol.name)")
        }
        // Asked for, they are the database's lines, and read once.
        let annotated = try #require(byName["init_once"])
        #expect(annotated.candidates.count == Self.copies)
        #expect(annotated.candidates == database.candidates(named: "init_once"))
        #expect(annotated.candidateLines?.wereRead == true)
        #expect(byName["saved_command_line"]?.candidates.map(\.object) == ["vmlinux"])
        #expect(byName["printk"]?.candidates == database.candidates(named: "printk"))
        // Plans compare by what they say, read or not.
        let (again, _, _) = try Self.plan(Self.source)
        #expect(again.symbols == plan.symbols)
    }

    @Test func anAmbiguousNameListsItsLinesInTheError() throws {
        let (plan, database, _) = try Self.plan(
            """
            extern char dentry_hash[];
            char get(void) { return dentry_hash[0]; }
            """)
        let symbol = try #require(plan.symbol(named: "dentry_hash"))
        #expect(symbol.status == .ambiguous)
        #expect(symbol.candidates == database.candidates(named: "dentry_hash"))
        let error = try #require(plan.diagnostics.errors.first)
        #expect(error.message == "Define KLP_SYMPOS for the symbol: dentry_hash")
        #expect(error.detail.contains { $0.contains("vmlinux") } && error.detail.contains { $0.contains("mod_a") })
    }

    /// Uses are gathered for the whole plan and handed out per symbol: each symbol's must be its relocations in
    /// file order, with their section, type, addend and verdict, as readelf lists them.
    @Test func usesArePerSymbolInFileOrderAsReadelfListsThem() throws {
        let (plan, _, input) = try Self.plan(Self.source)
        let elf = try Readelf(input)
        for symbol in plan.symbols {
            var expected: [String] = []
            for section in elf.sections where section.name.hasPrefix(".rela") && !section.name.contains("klp") {
                for r in elf.relocations[section.name] ?? [] where r.symbolName == symbol.name {
                    expected.append("\(section.name) \(r.offset) \(r.type) \(r.addend ?? 0)")
                }
            }
            let uses = symbol.uses.map { "\($0.relocationSection) \($0.offset) \($0.typeName) \($0.addend)" }
            #expect(uses == expected, "\(symbol.name)")
            #expect(!uses.isEmpty, "\(symbol.name)")
            #expect(
                symbol.uses.allSatisfy { $0.verdict == .allowed && ".rela" + $0.baseSection == $0.relocationSection })
        }
        #expect(plan.symbol(named: "saved_command_line")?.uses.count ?? 0 >= 3)
    }

    @Test func occurrenceCountsLinesUpToTwo() throws {
        let (_, database, _) = try Self.plan("int nothing;")
        #expect(database.occurrence(of: "saved_command_line") == .once(object: "vmlinux"))
        #expect(database.occurrence(of: "dentry_hash") == .several)  // one line in each of two objects
        #expect(database.occurrence(of: "init_once") == .several)  // 3,000 lines in one object
        #expect(database.occurrence(of: "no_such_symbol") == .none)
        for name in ["saved_command_line", "dentry_hash", "init_once", "no_such_symbol", "printk"] {
            let lines = database.candidates(named: name)
            let expected: SymbolDatabase.Occurrence =
                lines.isEmpty ? .none : lines.count == 1 ? .once(object: lines[0].object) : .several
            #expect(database.occurrence(of: name) == expected, "\(name)")
        }
    }

    /// The kernel parses klp names with sscanf on bytes: a ',' or '.' followed by a combining mark is another
    /// Character in Swift but still that byte, and must be refused as the plain one is.
    @Test func klpNameChecksSeeTheBytes() {
        #expect(KLPNames.symbolNameProblem("init_once,\u{301}x") != nil)
        #expect(KLPNames.objectNameProblem("mod.\u{301}a") != nil)
        #expect(KLPNames.symbolNameProblem("init_once\u{301}") == nil)
        #expect(KLPNames.objectNameProblem("mod_a") == nil)
        #expect(KLPNames.symbol(object: "mod_a", name: "init_once", position: 2999) == ".klp.sym.mod_a.init_once,2999")
        #expect(KLPNames.symbol(object: "vmlinux", name: "é", position: 0) == ".klp.sym.vmlinux.é,0")
    }
}
