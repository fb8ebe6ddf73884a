import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// The patched functions of a livepatch built by kbuild against the installed kernel headers: the real
/// include/linux/livepatch.h structs (kobjects, lists and all), not a test's imitation. type_show has three
/// copies in this database; the entry's old_sympos comes from the compiler command line. The exports are the
/// ones such a module uses (klp_enable_patch, and __fentry__ and __x86_return_thunk that kbuild's flags add).
@Suite struct PatchedFunctionKbuildTests {
    static let source = """
        #include <linux/module.h>
        #include <linux/kernel.h>
        #include <linux/device.h>
        #include <linux/livepatch.h>

        static ssize_t livepatch_type_show(struct device *dev, struct device_attribute *attr, char *buf)
        {
        \treturn sprintf(buf, "patched\\n");
        }

        static struct klp_func funcs[] = {
        \t{ .old_name = "type_show", .new_func = livepatch_type_show, .old_sympos = TYPE_SHOW_SYMPOS },
        \t{ }
        };
        static struct klp_object objs[] = { { .funcs = funcs }, { } };
        static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs };

        static int livepatch_init(void) { return klp_enable_patch(&patch); }
        static void livepatch_exit(void) { }
        module_init(livepatch_init);
        module_exit(livepatch_exit);
        MODULE_LICENSE("GPL");
        MODULE_INFO(livepatch, "Y");

        """
    static let database = """
        klp-convert-symbol-data.0.1 order=kallsyms
        *vmlinux
        -drivers/base/cacheinfo.c
        type_show
        -drivers/base/cpu.c
        type_show
        -net/core/net-sysfs.c
        type_show
        -kernel/livepatch/core.c
        klp_enable_patch
        __ksymtab_klp_enable_patch
        -lib/vsprintf.c
        sprintf
        __ksymtab_sprintf
        -arch/x86/kernel/ftrace_64.S
        __fentry__
        __ksymtab___fentry__
        -arch/x86/lib/retpoline.S
        __x86_return_thunk
        __ksymtab___x86_return_thunk

        """

    /// Builds the module with `old_sympos` and returns its path (kbuild's .ko: modpost ran, __versions present).
    static func build(sympos: Int) throws -> (dir: String, module: String) {
        let dir = try TemporaryDirectory.make("kbuild-sympos-\(sympos)")
        try source.write(toFile: "\(dir)/lp_type_show.c", atomically: true, encoding: .utf8)
        try "obj-m := lp_type_show.o\n".write(toFile: "\(dir)/Kbuild", atomically: true, encoding: .utf8)
        try database.write(toFile: "\(dir)/symbols.klp", atomically: true, encoding: .utf8)
        try Tool.check(
            "make",
            [
                "-C", try KbuildModuleTests.headersDirectory(), "M=\(dir)",
                "KCFLAGS=-DTYPE_SHOW_SYMPOS=\(sympos)", "modules",
            ], cwd: dir)
        return (dir, "\(dir)/lp_type_show.ko")
    }

    @Test(arguments: [(0, "ambiguous"), (3, "ok"), (1, "ok"), (4, "invalid")])
    func theKernelsOwnStructsAreRead(sympos: Int, status: String) throws {
        let built = try Self.build(sympos: sympos)
        let database = "\(built.dir)/symbols.klp"
        let json = try Tool.run(BuiltProducts.klpConvert, ["list", "--json", database, built.module])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let functions = try #require(document["patchedFunctions"] as? [[String: Any]], "\(json.stderr)")
        try #require(functions.count == 1, "\(json.stdout)")
        #expect(functions[0]["name"] as? String == "type_show")
        #expect(functions[0]["oldSympos"] as? Int == sympos)
        #expect(functions[0]["status"] as? String == status)
        #expect(functions[0]["copies"] as? Int == 3)

        let output = "\(built.dir)/out.ko"
        let converted = try Tool.run(BuiltProducts.klpConvert, [database, built.module, output])
        #expect(converted.status == (status == "ok" ? 0 : 255), "\(converted.stderr)")
        if status == "ambiguous" {
            #expect(converted.stderr.contains("old_sympos is 0 but vmlinux has 3 copies"), "\(converted.stderr)")
            #expect(converted.stderr.contains("\t.old_sympos = 3,\t/* net/core/net-sysfs.c */"))
        }
        if status == "ok" {
            let checked = try Tool.run(BuiltProducts.klpConvert, ["check", "--symbols", database, output])
            #expect(checked.status == 0, "\(checked.stderr)")
        }
    }
}
