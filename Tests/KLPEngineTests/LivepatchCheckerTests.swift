import Foundation
import KLPEngine
import Testing

/// The engine's livepatch checker (the kernel loader's rules) on the converted objects of every
/// architecture, and on the unconverted inputs it must reject.
@Suite("Cross-architecture checker")
struct LivepatchCheckerTests {
    static let allArchs = FixtureArch.allCases

    @Test("converted livepatches pass the loader-rule checker; unconverted inputs do not", arguments: allArchs)
    func checker(arch: FixtureArch) throws {
        let database = try SymbolDatabase.load(path: FixturePaths.orderedDatabase.path)
        let checker = LivepatchChecker(database: database)
        for object in [FixtureObject.livepatch, .livepatch2, .minimal] {
            let input = try ELFObject.read(path: try FixtureBuilder.shared.object(object, arch: arch).path)
            let (plan, output) = Converter(database: database).convert(input)
            let converted = try #require(output, "\(arch) \(object): \(plan.diagnostics.errors)")
            // Through the bytes, as the kernel would see the file.
            let reread = try ELFObject(bytes: try ELFWriter.bytes(of: converted), path: "\(arch)/\(object.rawValue)")
            let errors = checker.check(reread).errors
            #expect(errors.isEmpty, "\(arch) \(object): \(errors)")
            let inputErrors = checker.check(input).errors
            #expect(!inputErrors.isEmpty, "\(arch) \(object): the unconverted input passed the checker")
        }
    }
}
