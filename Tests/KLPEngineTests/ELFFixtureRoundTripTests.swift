import Foundation
import KLPEngine
import KLPTestSupport
import Testing

/// The engine's reader and writer on real objects of every architecture.
@Suite("Cross-architecture ELF reading and positions")
struct ELFFixtureRoundTripTests {
    static let allArchs = FixtureArch.allCases

    @Test("every fixture object read and written back unchanged looks the same to readelf", arguments: allArchs)
    func roundTrip(arch: FixtureArch) throws {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("roundtrip-\(arch.rawValue)"))
        defer { TemporaryDirectory.remove(directory.path) }
        for object in FixtureObject.allCases {
            let input = try FixtureBuilder.shared.object(object, arch: arch)
            let copy = directory.appendingPathComponent(object.rawValue)
            try FileIO.writeAtomically(try ELFWriter.bytes(of: try ELFObject.read(path: input.path)), to: copy.path)
            let before = try Readelf(input)
            let after = try Readelf(copy)
            let label = "\(arch) \(object.rawValue)"
            #expect(after.header == before.header, "\(label)")
            #expect(after.sections == before.sections, "\(label)")
            #expect(after.symbols == before.symbols, "\(label)")
            #expect(after.relocations == before.relocations, "\(label)")
            #expect(after.problems.isEmpty, "\(label): \(after.problems)")
            let contentsBefore = try Readelf.allSectionContents(input, sectionCount: before.sections.count)
            let contentsAfter = try Readelf.allSectionContents(copy, sectionCount: after.sections.count)
            #expect(contentsAfter == contentsBefore, "\(label): section contents differ")
        }
    }

    @Test("database positions match the kernel's walk of the module's symtab", arguments: allArchs)
    func positionsFromSymtab(arch: FixtureArch) throws {
        let module = try ELFObject.read(path: try FixtureBuilder.shared.object(.targetModule, arch: arch).path)
        // The kernel counts same-named symbols in symtab order (kallsyms of a module); record which
        // file (STT_FILE block) each copy comes from.
        var file = ""
        var copies: [String: [String]] = [:]
        for symbol in module.symbols {
            if symbol.type == .file {
                file = symbol.name
                continue
            }
            guard symbol.type != .section, !symbol.name.isEmpty, symbol.section.isDefinedInFile,
                !symbol.name.hasPrefix("$"), !symbol.name.hasPrefix(".L")
            else { continue }
            // Export markers are read as "exported", not as symbols of the object.
            guard !symbol.name.hasPrefix("__export_symbol_"), !symbol.name.hasPrefix("__ksymtab_") else { continue }
            copies[symbol.name, default: []].append(file)
        }
        let database = try SymbolDatabase.load(path: FixturePaths.orderedDatabase.path)
        #expect(copies["homonym_string"]?.count == 2, "\(arch)")
        for (name, files) in copies {
            let candidates = database.candidates(named: name, in: "test_klp_convert_mod").sorted {
                $0.position < $1.position
            }
            #expect(candidates.count == files.count, "\(arch) \(name)")
            if files.count == 1 {
                #expect(candidates.map(\.position) == [0], "\(arch) \(name)")
            } else {
                #expect(candidates.map(\.position) == Array(1...files.count), "\(arch) \(name)")
                #expect(candidates.map(\.file) == files.map { Optional($0) }, "\(arch) \(name)")
            }
        }
    }
}
