import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The klp-convert binary as kbuild calls it: exit status, stderr prefix, atomic output, mode bits.
@Suite struct CLITests {
    static var binary: String { BuiltProducts.klpConvert }

    static let source = """
        extern char saved_command_line[];
        extern int init_once(void);
        int f(void) { return saved_command_line[0] + init_once(); }
        """

    static func setUp(annotated: Bool) throws -> (dir: String, input: String, db: String) {
        let dir = try TemporaryDirectory.make("cli")
        let text = source + (annotated ? "\nKLP_MODULE_RELOC(vmlinux) r[] = { KLP_SYMPOS(init_once, 2) };\n" : "")
        let input = try CObject.build([("lp", text)], in: dir)
        let db = "\(dir)/symbols.klp"
        try ConversionTests.database.write(toFile: db, atomically: true, encoding: .utf8)
        return (dir, input, db)
    }

    func files(in dir: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    }

    @Test func dropInSuccessKeepsModeAndWritesOutput() throws {
        let (dir, input, db) = try Self.setUp(annotated: true)
        chmod(input, 0o640)
        let inputBytes = try FileIO.readAll(path: input)
        let r = try Tool.run(Self.binary, [db, input, "\(dir)/out.ko"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(FileIO.mode(of: "\(dir)/out.ko") == 0o640)
        #expect(try FileIO.readAll(path: input) == inputBytes)
        #expect(try files(in: dir).filter { $0.contains(".klp-") }.isEmpty)
    }

    @Test func errorsGiveExit255PrefixedMessagesAndNoOutput() throws {
        let (dir, input, db) = try Self.setUp(annotated: false)
        try "previous".write(toFile: "\(dir)/out.ko", atomically: true, encoding: .utf8)
        let before = try files(in: dir)
        let r = try Tool.run(Self.binary, [db, input, "\(dir)/out.ko"])
        #expect(r.status == 255)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let offset = String(try Self.firstOffset(input, "init_once"), radix: 16)
        #expect(lines.first == "klp-convert: Define KLP_SYMPOS for the symbol: init_once (at .text+0x\(offset))")
        #expect(lines.contains("Valid KLP_SYMPOS for symbol init_once:"))
        #expect(lines.filter { !$0.hasPrefix("klp-convert: ") }.allSatisfy { !$0.contains("error") })
        #expect(try String(contentsOfFile: "\(dir)/out.ko", encoding: .utf8) == "previous")
        #expect(try files(in: dir) == before)
    }

    static func firstOffset(_ path: String, _ symbol: String) throws -> UInt64 {
        try #require(Readelf(path).relocations[".rela.text"]?.first { $0.symbolName == symbol }?.offset)
    }

    @Test func outputEqualToInputIsRefusedUnlessInPlace() throws {
        let (_, input, db) = try Self.setUp(annotated: true)
        let before = try FileIO.readAll(path: input)
        let r = try Tool.run(Self.binary, [db, input, input])
        #expect(r.status != 0)
        #expect(r.stderr.contains("refusing to overwrite"))
        #expect(try FileIO.readAll(path: input) == before)
        let ok = try Tool.run(Self.binary, ["convert", "--in-place", db, input, input])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try Readelf(input).section(named: ".klp.rela.vmlinux..text") != nil)
    }

    @Test func unwritableDestinationIsAClearError() throws {
        let (dir, input, db) = try Self.setUp(annotated: true)
        let r = try Tool.run(Self.binary, [db, input, "\(dir)/no/such/dir/out.ko"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("klp-convert: \(dir)/no/such/dir/out.ko: cannot create a temporary file"))
    }

    @Test func badInputsNameTheFile() throws {
        let (dir, input, db) = try Self.setUp(annotated: true)
        try "not elf".write(toFile: "\(dir)/bad.ko", atomically: true, encoding: .utf8)
        let r = try Tool.run(Self.binary, [db, "\(dir)/bad.ko", "\(dir)/out.ko"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("\(dir)/bad.ko"))
        try "garbage\n".write(toFile: "\(dir)/bad.klp", atomically: true, encoding: .utf8)
        let d = try Tool.run(Self.binary, ["\(dir)/bad.klp", input, "\(dir)/out.ko"])
        #expect(d.status == 255)
        #expect(d.stderr.contains("\(dir)/bad.klp"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.ko"))
        let usage = try Tool.run(Self.binary, [db, input])
        #expect(usage.status != 0)
        #expect(usage.stderr.contains("Usage") || usage.stderr.contains("usage") || usage.stderr.contains("Missing"))
    }

    @Test func listJSONDescribesThePlan() throws {
        let (_, input, db) = try Self.setUp(annotated: false)
        let r = try Tool.run(Self.binary, ["list", "--json", db, input])
        #expect(r.status == 255)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let symbols = try #require(json["symbols"] as? [[String: Any]])
        let initOnce = try #require(symbols.first { $0["name"] as? String == "init_once" })
        #expect(initOnce["status"] as? String == "ambiguous")
        #expect((initOnce["candidates"] as? [[String: Any]])?.map { $0["position"] as? Int } == [1, 2])
        let text = try Tool.run(Self.binary, ["list", db, input])
        #expect(text.stdout.contains("init_once  [ambiguous]"))
    }

    @Test func snippetCompilesWithTheAnnotationMacros() throws {
        let (dir, input, db) = try Self.setUp(annotated: false)
        let r = try Tool.run(Self.binary, ["snippet", "--choose", "init_once=vmlinux,2", "--all", db, input])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("KLP_SYMPOS(init_once, 2),"))
        try (CObject.includeLine + "\nextern char saved_command_line[];\nextern int init_once(void);\n" + r.stdout)
            .write(toFile: "\(dir)/snippet.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc", ["-c", "-Wall", "-Werror", CObject.includeFlag, "snippet.c", "-o", "snippet.o"], cwd: dir)
        let elf = try Readelf("\(dir)/snippet.o")
        #expect(elf.section(named: ".klp.module_relocs.vmlinux")?.size == 24)
    }

    @Test func checkRejectsHandBrokenModules() throws {
        let (dir, input, db) = try Self.setUp(annotated: true)
        #expect(try Tool.run(Self.binary, [db, input, "\(dir)/out.ko"]).status == 0)
        #expect(try Tool.run(Self.binary, ["check", "--symbols", db, "\(dir)/out.ko"]).status == 0)

        // Missing SHF_RELA_LIVEPATCH: the kernel loads this and crashes later.
        var object = try ELFObject.read(path: "\(dir)/out.ko")
        let klp = try #require(object.section(named: ".klp.rela.vmlinux..text"))
        object.updateSection(klp.id) { $0.flags.remove(.relaLivepatch) }
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: "\(dir)/noflag.ko")
        let a = try Tool.run(Self.binary, ["check", "\(dir)/noflag.ko"])
        #expect(a.status == 255)
        #expect(a.stderr.contains("lacks SHF_RELA_LIVEPATCH"))

        // A vmlinux symbol in a module-specific section.
        var moved = try ELFObject.read(path: "\(dir)/out.ko")
        let section = try #require(moved.section(named: ".klp.rela.vmlinux..text"))
        moved.updateSection(section.id) { $0.name = ".klp.rela.test_klp_convert_mod..text" }
        try FileIO.writeAtomically(try ELFWriter.bytes(of: moved), to: "\(dir)/wrongobj.ko")
        let b = try Tool.run(Self.binary, ["check", "\(dir)/wrongobj.ko"])
        #expect(b.status == 255)
        #expect(b.stderr.contains("invalid access to vmlinux symbol 'init_once'"))
    }

    @Test func choicesFileReplaysPicks() throws {
        let (dir, input, db) = try Self.setUp(annotated: false)
        try "# klp-convert choices\ninit_once vmlinux 2\n".write(
            toFile: "\(dir)/picks", atomically: true, encoding: .utf8)
        let r = try Tool.run(Self.binary, ["convert", "--choices", "\(dir)/picks", db, input, "\(dir)/out.ko"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Readelf("\(dir)/out.ko").symbols.contains { $0.name == ".klp.sym.vmlinux.init_once,2" })
        try "init_once vmlinux\n".write(toFile: "\(dir)/bad", atomically: true, encoding: .utf8)
        let bad = try Tool.run(Self.binary, ["convert", "--choices", "\(dir)/bad", db, input, "\(dir)/out2.ko"])
        #expect(bad.status == 255)
        #expect(bad.stderr.hasPrefix("klp-convert: \(dir)/bad:1: "))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out2.ko"))
    }
}
