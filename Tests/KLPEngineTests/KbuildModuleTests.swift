import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// A real module built by kbuild against the installed kernel headers (.ci/run installs linux-headers-amd64).
@Suite struct KbuildModuleTests {
    static func headersDirectory() throws -> String {
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/src")) ?? []
        guard let d = dirs.filter({ $0.hasPrefix("linux-headers-") && $0.hasSuffix("-amd64") }).sorted().last else {
            throw ToolError(
                tool: "make", problem: "no /usr/src/linux-headers-*-amd64: install linux-headers-amd64 (.ci/run does)")
        }
        return "/usr/src/\(d)"
    }

    /// Builds a two-file module with the same static name in both files; returns the .ko path.
    static func buildModule() throws -> String {
        let dir = try TemporaryDirectory.make("kbuild")
        try """
        obj-m += rt_mod.o
        rt_mod-y := rt_a.o rt_b.o
        """.write(toFile: "\(dir)/Makefile", atomically: true, encoding: .utf8)
        try """
        #include <linux/module.h>
        static const char homonym[] = "A";
        const char *rt_get_a(void) { return homonym; }
        static int __init rt_init(void) { pr_info("%s\\n", rt_get_a()); return 0; }
        static void __exit rt_exit(void) { }
        module_init(rt_init);
        module_exit(rt_exit);
        MODULE_LICENSE("GPL");
        """.write(toFile: "\(dir)/rt_a.c", atomically: true, encoding: .utf8)
        try """
        #include <linux/module.h>
        static const char homonym[] = "B";
        const char *rt_get_b(void) { return homonym; }
        EXPORT_SYMBOL(rt_get_b);
        """.write(toFile: "\(dir)/rt_b.c", atomically: true, encoding: .utf8)
        try Tool.check("make", ["-C", try headersDirectory(), "M=\(dir)", "modules"], cwd: dir)
        return "\(dir)/rt_mod.ko"
    }

    @Test func kbuildModuleRoundTripsUnderReadelf() throws {
        let ko = try Self.buildModule()
        let object = try ELFObject.read(path: ko)
        let out = ko + ".rt"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: out)
        #expect(try ELFRoundTripTests.normalizedReadelf(ko) == ELFRoundTripTests.normalizedReadelf(out))
        let a = try Tool.check("objdump", ["-s", ko]).split(separator: "\n").dropFirst(2)
        let b = try Tool.check("objdump", ["-s", out]).split(separator: "\n").dropFirst(2)
        #expect(Array(a) == Array(b))
        // The module's own homonyms are both there, in link order (a before b).
        let homonyms = object.symbols.filter { $0.name == "homonym" }
        #expect(homonyms.count == 2)
    }

    /// Without a database, `check` still knows the exports a kbuild module uses: modpost lists them in __versions.
    @Test func checkFindsNonExportedUndefinedSymbolsThroughVersions() throws {
        let dir = try TemporaryDirectory.make("kbuild-unconv")
        try "obj-m += unconv.o\n".write(toFile: "\(dir)/Makefile", atomically: true, encoding: .utf8)
        try """
        #include <linux/module.h>
        static int __init unconv_init(void) { pr_info("%s\\n", saved_command_line); return 0; }
        module_init(unconv_init);
        MODULE_LICENSE("GPL");
        MODULE_INFO(livepatch, "Y");
        """.write(toFile: "\(dir)/unconv.c", atomically: true, encoding: .utf8)
        try Tool.check(
            "make", ["-C", try Self.headersDirectory(), "M=\(dir)", "KBUILD_MODPOST_WARN=1", "modules"], cwd: dir)
        let object = try ELFObject.read(path: "\(dir)/unconv.ko")
        let versioned = try #require(LivepatchChecker.versionedNames(object))
        #expect(versioned.contains("_printk"))
        let findings = LivepatchChecker().check(object).errors.map(\.message)
        #expect(findings.contains { $0.hasPrefix("undefined symbol saved_command_line is not in __versions") })
        #expect(!findings.contains { $0.contains("_printk") })
    }
}
