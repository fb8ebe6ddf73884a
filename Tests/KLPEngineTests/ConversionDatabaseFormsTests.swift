import Foundation
import KLPEngine
import Testing

/// The same conversions against the name-sorted upstream 0.1 database and with module exports
/// converted, on every architecture.
@Suite("Cross-architecture conversion: database forms and options")
struct ConversionDatabaseFormsTests {
    static let allArchs = FixtureArch.allCases

    @Test(
        "name-sorted 0.1 database: same output, annotated homonym positions only validated",
        arguments: allArchs)
    func sortedDatabase(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: arch, database: FixturePaths.sortedDatabase)
        let output = try FixtureExpectations.checkConversion(
            conversion, targets: FixtureExpectations.livepatchTargets,
            annotationSymbols: FixtureExpectations.livepatchAnnotationSymbols)
        // The annotated homonyms are accepted, with a note (or warning) that the file cannot tell
        // the copies apart.
        let notes = conversion.plan.diagnostics.filter { $0.severity != .error }
            .filter { $0.description.contains("name-sorted") }.map(\.description).joined(separator: "\n")
        for name in ["homonym_string", "get_homonym_string", "state_show"] {
            #expect(notes.contains(name), "\(arch): no name-sorted note names \(name):\n\(notes)")
        }
        // Unique names and position 0 need no such note.
        #expect(!notes.contains("saved_command_line"), "\(arch)")
        let ordered = try FixtureConversion.run(.livepatch, arch: arch)
        #expect(ordered.output?.symbols == output.symbols, "\(arch)")
    }

    @Test("name-sorted 0.1 database in strict mode: the unverifiable positions are errors", arguments: allArchs)
    func sortedDatabaseStrict(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(
            .livepatch, arch: arch, database: FixturePaths.sortedDatabase, options: ConversionOptions(strict: true))
        #expect(conversion.plan.hasErrors, "\(arch)")
        #expect(conversion.output == nil)
        let errors = conversion.plan.diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.contains("name-sorted") && $0.contains("homonym_string") }, "\(arch): \(errors)")
    }

    @Test("module exports become klp relocations when asked (late module patching)", arguments: allArchs)
    func moduleExports(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(
            .livepatch, arch: arch, options: ConversionOptions(convertModuleExports: true))
        var targets = FixtureExpectations.livepatchTargets
        targets["test_klp_mod_exported"] = .symbol("test_klp_mod_exported", "test_klp_convert_mod", 0)
        try FixtureExpectations.checkConversion(
            conversion, targets: targets, annotationSymbols: FixtureExpectations.livepatchAnnotationSymbols)
    }
}
