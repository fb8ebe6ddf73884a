import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine
@testable import KLPSynthetic

/// The benchmark's livepatch generator: deterministic, valid for binutils readelf (headers, symbols, relocations
/// and the DWARF it writes), and convertible against the database it was built from.
@Suite("Synthetic livepatch generator")
struct SyntheticLivepatchTests {
    static let databaseShape = SyntheticSymbolList.Shape(
        vmlinuxSymbols: 4_000, modules: 40, symbolsPerModule: 80,
        ordered: true)
    static let shape = SyntheticLivepatch.Shape(
        name: "lp_synthetic", textSections: 6, references: 300, distinctSymbols: 80, exported: 10,
        vmlinuxHomonyms: 5, modules: 2, moduleUnique: 8, moduleHomonyms: 2, localReferencesPerSection: 3,
        debugUnits: 2, debugEntries: 400)

    static func database() throws -> SymbolDatabase {
        try SymbolDatabase.parse(bytes: SyntheticSymbolList.make(databaseShape), path: "synthetic.klp")
    }

    @Test func deterministicAndShapedAsAsked() throws {
        let db = try Self.database()
        let first = SyntheticLivepatch.make(Self.shape, database: db)
        let second = SyntheticLivepatch.make(Self.shape, database: db)
        #expect(try ELFWriter.bytes(of: first.object) == ELFWriter.bytes(of: second.object))
        let summary = first.summary
        #expect(summary.undefinedSymbols == 80)
        #expect(summary.references == 300)
        #expect(summary.exported == 10)
        #expect(summary.annotated >= 5)
        #expect(summary.patchedObjects.count == 3)
        #expect(first.object.symbols.filter(\.isUndefined).count == 80)
        let textSections = first.object.sections.filter { $0.name.hasPrefix(".text.") }
        #expect(textSections.count == 6)
        // Each annotated homonym has one 12-byte record.
        let records = first.object.sections.filter { $0.name.hasPrefix(KLPNames.annotationPrefix) }
            .reduce(0) { $0 + Int($1.size) / KLPNames.annotationRecordSize }
        #expect(records == summary.annotated)
    }

    @Test func readelfAcceptsTheObjectAndItsConversion() throws {
        let db = try Self.database()
        let (object, summary) = SyntheticLivepatch.make(Self.shape, database: db)
        let folder = try TemporaryDirectory.make("synthetic-lp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/lp.ko"
        try FileIO.writeAtomically(try ELFWriter.bytes(of: object), to: input)

        let (plan, converted) = Converter(database: db).convert(try ELFObject.read(path: input))
        #expect(plan.diagnostics.errors.isEmpty, "\(plan.diagnostics.errors.map(\.description))")
        let output = folder + "/lp.out.ko"
        let convertedObject = try #require(converted)
        try FileIO.writeAtomically(try ELFWriter.bytes(of: convertedObject), to: output)

        for path in [input, output] {
            for arguments in [["-a", "-W", path], ["--debug-dump=info", path]] {
                let result = try Tool.run("readelf", arguments)
                #expect(result.status == 0)
                #expect(result.stderr.isEmpty, "readelf \(arguments.joined(separator: " ")): \(result.stderr)")
            }
        }
        // Every undefined symbol that vmlinux does not export became a klp symbol; annotations are gone.
        let klpSymbols = convertedObject.symbols.filter { $0.section == .livepatch }
        #expect(klpSymbols.count == summary.undefinedSymbols - summary.exported)
        #expect(!convertedObject.sections.contains { $0.name.hasPrefix(KLPNames.annotationPrefix) })
        let info = try Tool.check("readelf", ["--debug-dump=info", output])
        #expect(info.contains("DW_TAG_subprogram"))
    }
}
