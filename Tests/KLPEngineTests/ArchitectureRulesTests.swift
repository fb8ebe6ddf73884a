import Foundation
import Testing

@testable import KLPEngine

/// Relocations an architecture's module loader refuses are reported before a module is written (issue 6).
@Suite struct ArchitectureRulesTests {
    static func load(_ arch: String, _ name: String) throws -> (ELFObject, SymbolDatabase) {
        let object = try ELFObject.read(
            path: FixturePaths.fixtures.appendingPathComponent("cross/\(arch)/\(name)").path)
        let database = try SymbolDatabase.load(path: FixturePaths.orderedDatabase.path)
        return (object, database)
    }

    @Test func arm64GOTRelocationsAreFlagged() throws {
        let (object, database) = try Self.load("arm64", "livepatch.o")
        let plan = Converter(database: database).plan(object)
        let got = plan.diagnostics.filter {
            $0.message.contains("R_AARCH64_ADR_GOT_PAGE") || $0.message.contains("R_AARCH64_LD64_GOT_LO12_NC")
        }
        #expect(got.count == 2)
        #expect(got.allSatisfy { $0.severity == .warning && $0.message.contains("klp_optional_hook") })
        let strict = Converter(database: database, options: ConversionOptions(strict: true)).plan(object)
        #expect(strict.hasErrors)
    }

    @Test func ppc64CallWithoutNopIsFlagged() throws {
        var (object, database) = try Self.load("ppc64le", "livepatch.o")
        #expect(
            !Converter(database: database).plan(object).diagnostics.contains {
                $0.message.contains("not followed by a nop")
            })
        // Replace the nop after the first converted R_PPC64_REL24 call with another instruction.
        let plan = Converter(database: database).plan(object)
        let use = try #require(plan.convertedSymbols.flatMap(\.uses).first { $0.type == RelocationType.PPC64.rel24 })
        let text = try #require(object.section(named: use.baseSection))
        object.updateSection(text.id) { s in
            guard case .bytes(let b) = s.content else { return }
            var bytes = Array(b)
            let at = Int(use.offset) + 4
            bytes[at..<(at + 4)] = [0x78, 0x56, 0x34, 0x12]
            s.content = .bytes(bytes[...])
        }
        let broken = Converter(database: database).plan(object)
        #expect(broken.diagnostics.contains { $0.message.contains("not followed by a nop (found 0x12345678)") })
    }
}
