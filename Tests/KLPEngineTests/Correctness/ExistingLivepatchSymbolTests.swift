import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Issue 13 items 4, 5 and 10: inputs that already carry livepatch symbols or klp sections (a half-converted or
/// hand-edited module, an earlier run's output), through the binary.
@Suite struct ExistingLivepatchSymbolTests {
    static let source = """
        extern char saved_command_line[];
        extern int init_once(void);
        int f(void) { return saved_command_line[0] + init_once(); }
        KLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };
        """

    /// Writes `path` changed by `change` to `dir/name` (the ELF layer's model, as a person's tool would).
    static func edit(_ path: String, to name: String, in dir: String, _ change: (inout ELFObject) throws -> Void)
        throws -> String
    {
        var object = try ELFObject.read(path: path)
        try change(&object)
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: "\(dir)/\(name)")
        return "\(dir)/\(name)"
    }

    static func renameSymbol(_ object: inout ELFObject, _ from: String, to: String, section: SymbolSection) throws {
        let symbol = try #require(object.symbols.first { $0.name == from })
        object.updateSymbol(symbol.id) {
            $0.name = to
            $0.section = section
        }
    }

    /// An ordinary relocation to a symbol already named and marked as a livepatch symbol moves into its klp
    /// section, so the output passes `check`.
    @Test func livepatchSymbolInAnOrdinaryRelocationIsMoved() throws {
        let run = try DropInRun.make(
            "extern char saved_command_line[];\nchar f(void) { return "
                + "saved_command_line[0]; }\n")
        let input = try Self.edit(run.input, to: "half.o", in: run.dir) {
            try Self.renameSymbol(
                &$0, "saved_command_line", to: ".klp.sym.vmlinux.saved_command_line,0",
                section: .livepatch)
        }
        run.expectConverted(try run.convert(input: input))
        let out = try Readelf(run.output)
        #expect(out.relocations[".rela.text"]?.contains { $0.symbolName?.hasPrefix(".klp.sym.") == true } != true)
        let moved = out.relocations[".klp.rela.vmlinux..text"]?.map(\.symbolName)
        #expect(moved == [".klp.sym.vmlinux.saved_command_line,0"])
        let check = try run.run(["check", "--symbols", run.db, run.output])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// Existing livepatch symbols are validated against the database, as `check --symbols` does: a position
    /// beyond the copies, an object the database does not know.
    @Test(arguments: [
        (
            ".klp.sym.vmlinux.init_once,5",
            "Existing livepatch symbol does not match a symbol: vmlinux.init_once,5 (2 "
                + "in vmlinux)"
        ),
        (".klp.sym.nosuchmod.init_once,1", "symbols.klp has no object 'nosuchmod'"),
    ])
    func existingLivepatchSymbolsAreValidated(name: String, message: String) throws {
        let run = try DropInRun.make(Self.source)
        run.expectConverted(try run.convert())
        let broken = try Self.edit(run.output, to: "broken.ko", in: run.dir) {
            try Self.renameSymbol(&$0, ".klp.sym.vmlinux.init_once,2", to: name, section: .livepatch)
        }
        let second = try DropInRun.make(input: broken, in: run.dir, output: "again.ko")
        try second.expectRefused(try second.convert(), ["symbol \(name): the kernel will not find it", message])
        // check --symbols refuses it in convert's words (it said "Provided KLP_SYMPOS", as for an annotation).
        let check = try run.run(["check", "--symbols", run.db, broken])
        #expect(check.status != 0)
        for expected in ["symbol \(name): the kernel will not find it", message] {
            #expect(check.stderr.contains(expected) || check.stdout.contains(expected), "\(check.stderr)")
        }
    }

    /// Item 5: `list --all` on a converted module lists its converted symbols.
    @Test func listAllShowsTheSymbolsOfAConvertedModule() throws {
        let run = try DropInRun.make(Self.source)
        run.expectConverted(try run.convert())
        let list = try run.run(["list", "--all", run.db, run.output])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(".klp.sym.vmlinux.init_once,2  [converted] -> vmlinux,2"), "\(list.stdout)")
        #expect(list.stdout.contains(".klp.sym.vmlinux.saved_command_line,0  [converted] -> vmlinux,0"))
        #expect(list.stdout.contains("(.klp.rela.vmlinux..text)"))
        let plain = try run.run(["list", run.db, run.output])
        #expect(plain.stdout.contains("no relocations need conversion"), "\(plain.stdout)")
    }

    /// Item 10: a klp section that uses a plain undefined symbol says that, not "used by no relocation".
    @Test func klpSectionUsingAPlainSymbolNamesTheRealProblem() throws {
        let run = try DropInRun.make(Self.source)
        run.expectConverted(try run.convert())
        let broken = try Self.edit(run.output, to: "plain.ko", in: run.dir) {
            try Self.renameSymbol(&$0, ".klp.sym.vmlinux.saved_command_line,0", to: "plain_var", section: .undefined)
        }
        let second = try DropInRun.make(input: broken, in: run.dir, output: "again.ko")
        let r = try second.convert()
        try second.expectRefused(
            r,
            [
                "klp relocation section .klp.rela.vmlinux..text uses plain_var, which is not a "
                    + "livepatch symbol"
            ])
        #expect(!r.stderr.contains("used by no relocation"), "\(r.stderr)")
    }

    /// Item 10: a klp relocation to a section symbol names the section (convert and check).
    @Test func klpRelocationToASectionSymbolNamesTheSection() throws {
        // The string literal's relocation goes through the section symbol of .rodata.str1.1.
        let run = try DropInRun.make(
            Self.source + "\nextern int printk(const char *, ...);\nint s(void) { return "
                + "printk(\"x%d\", 1); }\n")
        run.expectConverted(try run.convert())
        var sectionName = ""
        let broken = try Self.edit(run.output, to: "secsym.ko", in: run.dir) { object in
            let sectionSymbol = try #require(object.symbols.first { $0.type == .section })
            guard case .section(let id) = sectionSymbol.section else {
                throw ToolError(tool: "ELF model", problem: "section symbol without a section")
            }
            sectionName = try #require(object.section(id)).name
            let klp = try #require(object.section(named: ".klp.rela.vmlinux..text"))
            object.updateSection(klp.id) { s in
                var relocations = s.relocations
                relocations[0].symbol = sectionSymbol.id
                s.content = .relocations(relocations, rela: true)
            }
        }
        let check = try run.run(["check", broken])
        #expect(check.status == 255)
        #expect(
            check.stderr.contains(
                "symbol (section symbol of \(sectionName)) at rela sec "
                    + ".klp.rela.vmlinux..text idx 0 is not marked as a livepatch symbol"), "\(check.stderr)")
        let second = try DropInRun.make(input: broken, in: run.dir, output: "again.ko")
        try second.expectRefused(
            try second.convert(),
            ["uses the section symbol of \(sectionName), which is not a livepatch symbol"])
    }
}
