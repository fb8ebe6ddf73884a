import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// A small linked executable stands in for vmlinux: kallsyms order is address order, which here differs from
/// symbol-table order (the second file's initialised copy lands in .data, before the first file's .bss copy).
@Suite struct DatabaseBuilderVmlinuxTests {
    static let first = """
        static int homonym;
        int *first_ref(void) { return &homonym; }
        static __attribute__((noipa)) int shared_name(int x) { return x + 1; }
        int kallsyms_names[4] = {1};
        int entry(void) { return shared_name(2) + *first_ref(); }
        """
    static let second = """
        static int homonym = 5;
        int *second_ref(void) { return &homonym; }
        static __attribute__((noipa)) int shared_name(int x) { return x + 2; }
        int second(void) { return shared_name(3); }
        """

    /// Links `first` and `second` (written to `dir`) into `dir`/vmlinux, a static executable entered at `entry`,
    /// with `linkerFlags` added; returns its path. The build-db tests use the same stand-in.
    static func buildVmlinux(in dir: String, linkerFlags: [String] = []) throws -> String {
        try BuilderTestFiles.write(first, "\(dir)/first.c")
        try BuilderTestFiles.write(second, "\(dir)/second.c")
        let vmlinux = "\(dir)/vmlinux"
        try Tool.check(
            "gcc",
            ["-O2", "-fno-pic", "-no-pie", "-static", "-nostdlib", "-fno-common", "-Wl,-e,entry"] + linkerFlags
                + ["-o", vmlinux, "\(dir)/first.c", "\(dir)/second.c"])
        return vmlinux
    }

    @Test func vmlinuxSymbolsAreRankedByAddress() throws {
        let dir = try TemporaryDirectory.make("builddb-vmlinux")
        let vmlinux = try Self.buildVmlinux(in: dir, linkerFlags: ["-Wl,--defsym=absolute_thing=0x1234"])
        let built = try DatabaseBuilder.readVmlinux(path: vmlinux)
        let names = built.symbols.map(\.name)

        // Oracle: readelf's defined, allocated, non-section/file symbols grouped by value in address order,
        // minus the names kallsyms ignores. Inside one address the table has its own tie rules (tested with
        // System.map input), so groups are compared as sets.
        let sections = try ReadelfOracle.sections(vmlinux)
        let kept = try ReadelfOracle.symbols(vmlinux).filter { s in
            guard !s.name.isEmpty, s.type != "SECTION", s.type != "FILE", let ndx = Int(s.ndx),
                sections[ndx]?.flags.contains("A") == true
            else { return false }
            return s.name != "kallsyms_names"
        }
        let groups = Dictionary(grouping: kept, by: \.value).sorted { $0.key < $1.key }.map {
            $0.value.map(\.name).sorted()
        }
        var rest = names[...]
        var builtGroups: [[String]] = []
        for group in groups {
            builtGroups.append(rest.prefix(group.count).sorted())
            rest = rest.dropFirst(group.count)
        }
        #expect(rest.isEmpty)
        #expect(builtGroups == groups)
        #expect(!names.contains("absolute_thing"))
        #expect(!names.contains("kallsyms_names"))

        let homonyms = built.symbols.filter { $0.name == "homonym" }
        #expect(homonyms.map(\.file) == ["second.c", "first.c"], "the .data copy has the lower address")
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(vmlinux: vmlinux))
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "v.klp")
        #expect(db.candidates(named: "homonym", in: "vmlinux").map(\.position) == [1, 2])
        #expect(db.candidates(named: "homonym", in: "vmlinux").map(\.file) == ["second.c", "first.c"])
        #expect(db.candidates(named: "shared_name", in: "vmlinux").map(\.file) == ["first.c", "second.c"])
    }

    @Test func aModuleIsNotAVmlinuxAndTheOtherWayRound() throws {
        let dir = try TemporaryDirectory.make("builddb-kind")
        let module = try DatabaseBuilderModuleTests.buildModule(dir)
        #expect(throws: DatabaseBuildError.self) { try DatabaseBuilder.readVmlinux(path: module) }
        try Tool.check(
            "gcc",
            [
                "-O2", "-static", "-nostdlib", "-Wl,-e,use_a", "-o", "\(dir)/exe",
                "\(dir)/part_a.o", "\(dir)/part_b.o",
            ])
        #expect(throws: DatabaseBuildError.self) { try DatabaseBuilder.readModule(path: "\(dir)/exe") }
        try Tool.check("strip", ["-o", "\(dir)/stripped.o", module])
        #expect(throws: DatabaseBuildError.self) { try DatabaseBuilder.readModule(path: "\(dir)/stripped.o") }
    }
}
