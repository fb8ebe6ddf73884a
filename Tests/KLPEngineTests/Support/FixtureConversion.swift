import Foundation
import KLPEngine
import KLPTestSupport

/// Runs the engine on a fixture object and hands back the plan plus binutils' view of input and
/// output, so a test can compare the two dumps relocation by relocation.
struct FixtureConversion {
    let arch: FixtureArch
    let object: FixtureObject
    let plan: ConversionPlan
    let input: Readelf
    /// nil when the plan has errors (the engine then writes nothing).
    let output: Readelf?
    /// The written output, when asked to keep it (the caller then removes its directory).
    let outputURL: URL?
    /// Hex dumps of every section with contents, by name (`readelf -x`), of input and output.
    let inputContents: [String: [String]]
    let outputContents: [String: [String]]

    /// Converts `object` of `arch` against `database` (the ordered fixture database by default),
    /// writes the result to a temporary file and dumps it with readelf.  The file is removed after
    /// the dump unless `keepOutput` is set.
    static func run(
        _ object: FixtureObject, arch: FixtureArch, database: URL = FixturePaths.orderedDatabase,
        options: ConversionOptions = ConversionOptions(), keepOutput: Bool = false
    ) throws -> FixtureConversion {
        let inputURL = try FixtureBuilder.shared.object(object, arch: arch)
        let db = try SymbolDatabase.load(path: database.path)
        let elf = try ELFObject.read(path: inputURL.path)
        let (plan, converted) = Converter(database: db, options: options).convert(elf)
        let input = try Readelf(inputURL)
        let inputContents = try Readelf.sectionContentsByName(inputURL, sectionCount: input.sections.count)
        guard let converted else {
            return FixtureConversion(
                arch: arch, object: object, plan: plan, input: input, output: nil, outputURL: nil,
                inputContents: inputContents, outputContents: [:])
        }
        let outputURL = try temporaryOutput(for: object, arch: arch)
        defer { if !keepOutput { removeOutputDirectory(outputURL) } }
        try FileIO.writeAtomically(try ELFWriter.bytes(of: converted), to: outputURL.path)
        let output = try Readelf(outputURL)
        let outputContents = try Readelf.sectionContentsByName(outputURL, sectionCount: output.sections.count)
        return FixtureConversion(
            arch: arch, object: object, plan: plan, input: input, output: output,
            outputURL: keepOutput ? outputURL : nil, inputContents: inputContents, outputContents: outputContents)
    }

    /// Converts an already converted file again (idempotence).
    static func rerun(_ url: URL, database: URL = FixturePaths.orderedDatabase) throws -> (ConversionPlan, Readelf?) {
        let db = try SymbolDatabase.load(path: database.path)
        let (plan, converted) = Converter(database: db).convert(try ELFObject.read(path: url.path))
        guard let converted else { return (plan, nil) }
        let again = url.deletingLastPathComponent().appendingPathComponent("again-" + url.lastPathComponent)
        try FileIO.writeAtomically(try ELFWriter.bytes(of: converted), to: again.path)
        return (plan, try Readelf(again))
    }

    /// Removes the temporary directory holding a kept output.
    static func removeOutputDirectory(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    private static func temporaryOutput(for object: FixtureObject, arch: FixtureArch) throws -> URL {
        let directory = URL(fileURLWithPath: try TemporaryDirectory.make("conversion-\(arch.rawValue)"))
        return directory.appendingPathComponent(object.rawValue.replacingOccurrences(of: ".o", with: ".ko"))
    }
}

/// What a relocation row looks like independent of the symbol's index: the fields the converter
/// must carry over unchanged (offset, type, addend) plus the symbol's name.
struct RelocationRow: Equatable, CustomStringConvertible {
    var offset: UInt64
    var type: String
    var symbol: String?
    var addend: Int64?

    init(_ relocation: Readelf.Relocation, symbol: String? = nil) {
        offset = relocation.offset
        type = relocation.type
        self.symbol = symbol ?? relocation.symbolName
        addend = relocation.addend
    }

    var description: String {
        "0x\(String(offset, radix: 16)) \(type) \(symbol ?? "-") \(addend.map(String.init) ?? "")"
    }
}

extension Readelf {
    /// Name of the section at `index`, or nil.
    func sectionName(at index: Int) -> String? {
        sections.first { $0.index == index }?.name
    }

    /// For each relocation section, the name of the section it applies to (sh_info).
    func baseSectionName(ofRelocationSection name: String) -> String? {
        guard let section = section(named: name) else { return nil }
        return sectionName(at: section.info)
    }

    /// The rows of a relocation section with symbol names (section-symbol relocations carry the
    /// section's name, as readelf prints them).
    func rows(in section: String) -> [RelocationRow] {
        relocations(in: section).map { RelocationRow($0) }
    }
}

/// The relocations the output must contain, derived from the input dump and the expected target of
/// every converted symbol: a relocation to a converted symbol moves, unchanged apart from its
/// symbol's name, to `.klp.rela.<object>.<base>`; one to an annotation symbol disappears; every
/// other one stays where it was.
struct ExpectedRelocations {
    var bySection: [String: [RelocationRow]] = [:]

    /// Where a converted symbol goes: the object of its `.klp.rela.<object>.*` sections and its new name.
    struct Target {
        var object: String
        var newName: String

        /// The usual case: the klp sections are named after the symbol's object.
        static func symbol(_ name: String, _ object: String, _ position: Int) -> Target {
            Target(object: object, newName: ".klp.sym.\(object).\(name),\(position)")
        }
    }

    init(input: Readelf, targets: [String: Target], annotationSymbols: Set<String>) {
        for name in input.relocationSectionOrder where !name.hasPrefix(".rela.klp.module_relocs.") {
            guard let base = input.baseSectionName(ofRelocationSection: name) else { continue }
            bySection[name] = bySection[name] ?? []
            for relocation in input.relocations(in: name) {
                let symbol = relocation.symbolName ?? ""
                if annotationSymbols.contains(symbol) || symbol.hasPrefix(".klp.module_relocs.") { continue }
                if let target = targets[symbol] {
                    let klpSection = ".klp.rela.\(target.object).\(base)"
                    bySection[klpSection, default: []].append(RelocationRow(relocation, symbol: target.newName))
                } else {
                    bySection[name, default: []].append(RelocationRow(relocation))
                }
            }
        }
    }
}
