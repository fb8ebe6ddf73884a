import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Names chosen to escape: into the generated C (quotes, backslashes, newlines, comment ends, trigraphs,
/// keywords, colliding identifiers, object names that are not identifiers) and onto the terminal (escape
/// sequences, C1 controls, bidirectional overrides) through every text the CLI prints.
@Suite struct NameEscapingTests {
    static let evil = "evil\u{1b}]0;owned\u{07}\u{1b}[2J\u{9b}31m\u{202e}txt"

    @Test func terminalSafeEscapesControlsAndOverrides() {
        #expect(TerminalSafe.line("a\u{1b}[31mb\nc\u{202e}d\u{9b}") == "a\\x1b[31mb\\nc\\u{202e}d\\x9b")
        #expect(TerminalSafe.lines("a\nb\u{7}") == "a\nb\\x07")
        #expect(TerminalSafe.line("plain_name.isra.0 café\ttab") == "plain_name.isra.0 café\ttab")
        #expect(!TerminalSafe.isSafe(Self.evil) && TerminalSafe.isSafe(TerminalSafe.line(Self.evil)))
    }

    @Test func snippetRefusesOrEscapesEveryHostileName() throws {
        // Two names map to klp_sym_a_b ("a.b" and the identifier itself): the asm-label one gets a suffix.
        let names: [(String, Int)] = [
            ("ok_name", 1), ("int", 2), ("a.b", 1), ("a-b", 2), ("foo.isra.0", 1), ("$x", 1), ("1abc", 1),
            ("klp_sym_a_b", 3), ("quote\"name", 1),
            ("back\\slash", 1), ("new\nline", 1), ("end*/comment", 1), ("tri??/graph", 1), (Self.evil, 1),
            ("space name", 1), ("", 1), ("ünïcode", 1),
        ]
        var text = CSnippet.block(object: "vmlinux", entries: names.map { (symbol: $0.0, position: $0.1) })
        text += CSnippet.block(object: "9pnet", entries: [(symbol: "p9_client_rpc", position: 1)])
        text += CSnippet.block(object: "evil\u{1b}*/x.y", entries: [(symbol: "x", position: 1)])
        let source = text.joined(separator: "\n")
        #expect(TerminalSafe.isSafe(source, keepingNewlines: true), "\(source)")
        #expect(!source.contains("KLP_MODULE_RELOC(klp_sym_"), "an object was renamed")
        #expect(source.contains("refused: object name"))
        // Every declared or named symbol must compile; refused ones are comments.
        let dir = try TemporaryDirectory.make("snippet")
        let declarations = ["ok_name", "klp_sym_a_b", "p9_client_rpc", "x"].map { "extern char \($0)[];" }.joined(
            separator: "\n")
        try (CObject.includeLine + "\n" + declarations + "\n" + source + "\n")
            .write(toFile: "\(dir)/s.c", atomically: true, encoding: .utf8)
        let warnings = ["-Wall", "-Werror", CObject.includeFlag]
        try Tool.check("gcc", ["-c", "-std=gnu11"] + warnings + ["s.c", "-o", "s.o"], cwd: dir)
        try Tool.check(
            "gcc", ["-c", "-std=c11", "-trigraphs", "-Wno-trigraphs"] + warnings + ["s.c", "-o", "t.o"], cwd: dir)
        let elf = try Readelf("\(dir)/s.o")
        // vmlinux: ok_name, int, a.b, foo.isra.0 and klp_sym_a_b; the others are refused (gas would read
        // a-b or end*/comment as expressions).
        let vmlinux = try #require(elf.section(named: ".klp.module_relocs.vmlinux"))
        #expect(vmlinux.size == 12 * 5, "\(source)")
        #expect(source.components(separatedBy: "refused: symbol name").count - 1 == 12, "\(source)")
        #expect(elf.section(named: ".klp.module_relocs.9pnet")?.size == 12)
        let undefined = Set(elf.symbols.filter { $0.ndx == "UND" }.map(\.name))
        #expect(undefined.isSuperset(of: ["int", "a.b", "foo.isra.0", "klp_sym_a_b", "ok_name"]), "\(undefined)")
    }

    /// An object and a database whose names carry escape sequences, through list, explain, snippet and convert.
    @Test func cliOutputNeverCarriesRawControlCharacters() throws {
        let dir = try TemporaryDirectory.make("hostile-names")
        var object = try ELFObject(bytes: try Hostile.baseObject(), path: "lp.ko")
        let target = try #require(object.symbols.first { $0.name == "printk" })
        object.updateSymbol(target.id) { $0.name = Self.evil }
        let input = "\(dir)/lp.ko"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: input)
        let database = "\(dir)/symbols.klp"
        try (Hostile.databaseText + "\(Self.evil)\n*vmlinux\n\(Self.evil)\n")
            .write(toFile: database, atomically: true, encoding: .utf8)
        let runs: [[String]] = [
            ["list", database, input], ["list", "--all", database, input],
            ["explain", database, Self.evil, "init_once"],
            ["snippet", database, input], [database, input, "\(dir)/out.ko"], ["check", "--symbols", database, input],
        ]
        for args in runs {
            let r = try HostileRun.run([HostileCLICase.binary] + args)
            #expect(r.signal == nil)
            for (stream, text) in [("stdout", r.stdout), ("stderr", r.stderr)] {
                #expect(
                    TerminalSafe.isSafe(text, keepingNewlines: true),
                    "\(args.first ?? "") \(stream): \(text.debugDescription)")
                #expect(!text.contains("\u{1b}") && !text.contains("\u{202e}"))
            }
            #expect(
                (r.stdout + r.stderr).contains("evil\\x1b") || (r.stdout + r.stderr).contains("evil?"),
                "\(args.first ?? ""): the name is not shown at all: \(r.stdout) \(r.stderr)")
        }
    }
}
