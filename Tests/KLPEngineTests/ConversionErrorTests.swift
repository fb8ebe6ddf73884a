import Foundation
import KLPEngine
import Testing

/// The error fixtures on every architecture: each is rejected, every problem is named, nothing is
/// written.
@Suite("Cross-architecture conversion errors")
struct ConversionErrorTests {
    static let allArchs = FixtureArch.allCases

    /// (fixture, the words every error of that fixture must together mention)
    static let errorCases: [(FixtureObject, [String])] = [
        (.badSections, [".init.text", ".altinstructions", "start_kernel", "test_klp_get_driver_name"]),
        (.badAmbiguous, ["homonym_string", "driver_name"]),
        (.badNotFound, ["klp_missing_symbol"]),
        (.badConflict, ["homonym_string"]),
        (.badUnused, ["get_homonym_string"]),
        (.badSympos, ["homonym_string", "get_homonym_string", "saved_command_line"]),
        (.badJumpModule, ["test_klp_mod_key", "__jump_table"]),
    ]

    @Test("error fixtures are rejected with every problem named, and nothing is written", arguments: allArchs)
    func errors(arch: FixtureArch) throws {
        for (object, words) in Self.errorCases {
            let conversion = try FixtureConversion.run(object, arch: arch)
            #expect(conversion.plan.hasErrors, "\(arch) \(object) converted without error")
            #expect(conversion.output == nil)
            let text = conversion.plan.diagnostics.errors.map { ([$0.description] + $0.detail).joined(separator: "\n") }
                .joined(separator: "\n")
            for word in words {
                #expect(text.contains(word), "\(arch) \(object): no error mentions \(word):\n\(text)")
            }
        }
    }

    @Test("bad_sections.o reports both unsupported sections in one run", arguments: allArchs)
    func allSectionErrors(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.badSections, arch: arch)
        let errors = conversion.plan.diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.contains(".init.text") }, "\(arch): \(errors)")
        #expect(errors.contains { $0.contains(".altinstructions") }, "\(arch): \(errors)")
    }
}
