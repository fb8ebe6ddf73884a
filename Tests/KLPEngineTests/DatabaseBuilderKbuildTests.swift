import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// A real out-of-tree kbuild module of two files that both define the same static names, built against the
/// installed kernel headers (skipped when none are installed; .ci/run installs linux-headers-amd64).
@Suite struct DatabaseBuilderKbuildTests {
    static var headers: String? {
        let root = "/usr/src"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return entries.sorted().last { name in
            name.hasPrefix("linux-headers-") && !name.hasSuffix("-common")
                && FileManager.default.fileExists(atPath: "\(root)/\(name)/Makefile")
        }.map { "\(root)/\($0)" }
    }

    static let partA = """
        #include <linux/module.h>
        #include <linux/init.h>
        static int homonym_value = 1;
        static noinline int shared_helper(int x) { return x + homonym_value; }
        int klpdb_part_a(int x) { return shared_helper(x); }
        void klpdb_set_a(int v) { homonym_value = v; }
        EXPORT_SYMBOL_GPL(klpdb_part_a);
        int klpdb_part_b(int x);
        static int __init klpdb_init(void) { return klpdb_part_a(0) + klpdb_part_b(0) > 100; }
        static void __exit klpdb_exit(void) { }
        module_init(klpdb_init);
        module_exit(klpdb_exit);
        MODULE_LICENSE("GPL");
        """
    static let partB = """
        #include <linux/module.h>
        static int homonym_value = 2;
        static noinline int shared_helper(int x) { return x * homonym_value; }
        int klpdb_part_b(int x) { return shared_helper(x); }
        void klpdb_set_b(int v) { homonym_value = v; }
        """

    @Test(.enabled(if: headers != nil, "no /usr/src/linux-headers-* installed"))
    func kbuildModuleHomonymsInLinkOrder() throws {
        let headers = try #require(Self.headers)
        let dir = try TemporaryDirectory.make("builddb-kbuild")
        try BuilderTestFiles.write(Self.partA, "\(dir)/klpdb_a.c")
        try BuilderTestFiles.write(Self.partB, "\(dir)/klpdb_b.c")
        try BuilderTestFiles.write("obj-m := klpdb-test.o\nklpdb-test-y := klpdb_a.o klpdb_b.o\n", "\(dir)/Kbuild")
        try Tool.check("make", ["-s", "-C", headers, "M=\(dir)", "modules"])
        let ko = "\(dir)/klpdb-test.ko"

        guard case .module(let module) = try DatabaseBuilder.readModule(path: ko) else {
            Issue.record("not read as a module")
            return
        }
        #expect(module.name == "klpdb_test", "name from modinfo, '-' normalised")
        #expect(module.symbols.map(\.name) == (try ReadelfOracle.moduleCoreSymbols(ko)))
        #expect(!module.symbols.map(\.name).contains("klpdb_init"), "__init code is freed")
        #expect(module.symbols.map(\.name).contains("klpdb_exit"))
        #expect(module.exports.contains("klpdb_part_a"))

        let result = try DatabaseBuilder.build(DatabaseBuildInputs(modules: [dir]))
        #expect(!result.somethingSkipped)
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "kbuild.klp")
        for name in ["homonym_value", "shared_helper"] {
            let found = db.candidates(named: name, in: "klpdb_test")
            #expect(found.map(\.position) == [1, 2], "\(name)")
            #expect(found.map(\.file) == ["klpdb_a.c", "klpdb_b.c"], "\(name)")
        }
        #expect(db.isExported("klpdb_part_a"))
        // The intermediate object (ld -r of both files, what v7 gave to nm) has the same relative order for the
        // symbols both keep; the .ko lacks those of sections its final link discards (.discard.addressable).
        let fromObject = try DatabaseBuilder.readModule(path: "\(dir)/klpdb-test.o")
        guard case .module(let object) = fromObject else {
            Issue.record("intermediate object not read as a module")
            return
        }
        let inKo = Set(module.symbols.map(\.name)), inObject = Set(object.symbols.map(\.name))
        #expect(
            module.symbols.map(\.name).filter { inObject.contains($0) }
                == object.symbols.map(\.name).filter { inKo.contains($0) })
    }
}
