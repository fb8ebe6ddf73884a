import Foundation
import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

// The snippet the TUI shows and saves must compile against the kernel's livepatch annotation macros, and the
// compiled annotations must carry the chosen positions (read back by the engine's annotation reader).

@Suite struct SnippetCompileTests {
    @Test func snippetCompilesAndEncodesTheChoices() throws {
        let dir = try TemporaryDirectory.make("snippet")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let workspace = try TUIFixtures.example()
        let choices = [
            "init_once": SymbolTarget(object: "nfs", position: 0),
            "s_start": SymbolTarget(object: "vmlinux", position: 3),
        ]
        let plan = workspace.plan(choices: choices)
        let snippet = SnippetText.text(plan: plan, objectName: workspace.objectName)
        #expect(snippet.contains("KLP_MODULE_RELOC(nfs) nfs_relocs[] = {\n\tKLP_SYMPOS(init_once, 0),\n};"))
        #expect(snippet.contains("KLP_SYMPOS(s_start, 3),"))

        // The livepatch declares the symbols; the snippet is pasted after the declarations.
        let source = """
            #include "klp_macros.h"
            extern long state_show(void *, void *, char *);
            extern void init_once(void *);
            extern void *s_start(void *, long long *);
            \(snippet)
            """
        try source.write(toFile: "\(dir)/annot.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "gcc", ["-c", "-Wall", "-Werror", "-I", TUIFixtures.examples, "-o", "\(dir)/annot.o", "\(dir)/annot.c"])

        let object = try ELFObject.read(path: "\(dir)/annot.o")
        let found = Set(
            Converter(database: workspace.database).plan(object).annotations.map {
                "\($0.object).\($0.symbol),\($0.position)"
            })
        #expect(found == ["nfs.init_once,0", "vmlinux.s_start,3", "vmlinux.state_show,2"])
    }
}
