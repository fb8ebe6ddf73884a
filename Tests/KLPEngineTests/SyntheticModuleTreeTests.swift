import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine
@testable import KLPSynthetic

/// The benchmark's module tree for the symbols.klp builder: deterministic, readelf-clean modules that the
/// builder reads back with their names, kept functions and exports.
@Suite("Synthetic module tree")
struct SyntheticModuleTreeTests {
    static let shape = SyntheticModuleTree.Shape(modules: 6, symbolsPerModule: 200, vmlinuxSymbols: 300)

    @Test func deterministicTreeTheBuilderReads() throws {
        let files = try SyntheticModuleTree.make(Self.shape)
        let again = try SyntheticModuleTree.make(Self.shape)
        #expect(files.map(\.path) == again.map(\.path))
        #expect(files.map(\.bytes) == again.map(\.bytes))
        #expect(files.count == 7)
        #expect(files[0].path == "System.map")

        let folder = try TemporaryDirectory.make("synthetic-tree")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in files {
            let path = folder + "/" + file.path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        }
        let module = folder + "/" + files[1].path
        let readelf = try Tool.run("readelf", ["-a", "-W", module])
        #expect(readelf.status == 0)
        #expect(readelf.stderr.isEmpty, "\(readelf.stderr)")

        let result = try DatabaseBuilder.build(
            DatabaseBuildInputs(modules: [folder + "/kernel"], systemMap: folder + "/System.map", jobs: 2))
        #expect(result.moduleFilesRead == 6)
        #expect(result.issues.isEmpty, "\(result.issues)")
        let database = try SymbolDatabase.parse(bytes: result.bytes, path: "built.klp")
        #expect(database.objectNames.count == 7)
        // With the default rules (CONFIG_KALLSYMS_ALL) a module keeps its .text functions (3/4 of its symbols) and
        // __this_module; vmlinux its text symbols.
        let name = try #require(database.objectNames.first { $0 != "vmlinux" })
        #expect(database.candidates(inObject: name).count == 151)
        #expect(database.candidates(inObject: "vmlinux").count > 200)
    }
}
