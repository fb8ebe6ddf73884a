import Foundation
import KLPTestSupport
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// The builder reads modules of every architecture the project supports (ELF32/ELF64, both byte orders): the
/// target-module fixture's symbol list equals the kernel rule applied to readelf's view, and its homonyms keep
/// their link-order positions and source files.
@Suite struct DatabaseBuilderArchitecturesTests {
    @Test(arguments: FixtureArch.allCases)
    func targetModuleMatchesReadelf(arch: FixtureArch) throws {
        let path = try FixtureBuilder.shared.object(.targetModule, arch: arch).path
        guard case .module(let module) = try DatabaseBuilder.readModule(path: path) else {
            Issue.record("\(arch): not read as a module")
            return
        }
        #expect(module.name == "test_klp_convert_mod")
        #expect(module.symbols.map(\.name) == (try ReadelfOracle.moduleCoreSymbols(path)), "\(arch)")
        let result = try DatabaseBuilder.build(DatabaseBuildInputs(modules: [path]))
        let db = try SymbolDatabase.parse(bytes: result.bytes, path: "\(arch).klp")
        for name in ["homonym_string", "get_homonym_string"] {
            let found = db.candidates(named: name, in: "test_klp_convert_mod")
            #expect(found.map(\.position) == [1, 2], "\(arch) \(name)")
            #expect(found.map(\.file) == ["mod_a.c", "mod_b.c"], "\(arch) \(name)")
        }
    }
}
