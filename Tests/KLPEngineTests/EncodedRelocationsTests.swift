import Foundation
import KLPTestSupport
import Testing

@testable import KLPEngine

/// Relocation tables stay encoded as read (EncodedRelocations) until a conversion changes them; the planner reads
/// them in place and the writer copies them, renumbering symbol indices when the output's differ. Everything must
/// come out as if every table had been decoded first, as the reader did before: the model's relocations, the plan,
/// the bytes written and the errors.
@Suite struct EncodedRelocationsTests {
    /// `object` with every relocation table decoded into a list of relocations.
    static func decoded(_ object: ELFObject) -> ELFObject {
        var copy = object
        for s in object.sections {
            guard case .encodedRelocations(let table) = s.content else { continue }
            copy.updateSection(s.id) { $0.content = .relocations(table.decoded(), rela: table.rela) }
        }
        return copy
    }

    static func encodedTables(_ object: ELFObject) -> [String] {
        object.sections.filter {
            if case .encodedRelocations = $0.content { return true }
            return false
        }.map(\.name)
    }

    /// The relocation sections a layout writes from encoded bytes, each with whether its symbol indices change.
    static func plannedEncoded(_ layout: ELFLayout) -> [String: Bool] {
        var result: [String: Bool] = [:]
        for s in layout.sections {
            if case .encodedRelocations(_, let renumbered) = s.content { result[s.name] = renumbered != nil }
        }
        return result
    }

    /// The first symbol that no relocation uses (a file or section symbol of gcc's), whose removal shifts the
    /// index of every symbol after it.
    static func unusedSymbol(_ object: ELFObject) throws -> SymbolID {
        let used = Set(object.sections.flatMap { $0.relocations.compactMap(\.symbol) })
        return try #require(object.symbols.first { !used.contains($0.id) && $0.isLocal }?.id)
    }

    // MARK: the model

    @Test(arguments: FixtureArch.allCases)
    func encodedTablesReadAsDecodedOnes(arch: FixtureArch) throws {
        let path = try FixtureBuilder.shared.object(.livepatch, arch: arch).path
        let object = try ELFObject.read(path: path)
        let decoded = Self.decoded(object)
        let dump = try Readelf(path)
        #expect(!Self.encodedTables(object).isEmpty, "\(arch): the reader keeps relocation tables encoded")
        #expect(Self.encodedTables(decoded).isEmpty)
        for (s, d) in zip(object.sections, decoded.sections) where s.isRelocation {
            #expect(s.relocations == d.relocations, "\(arch) \(s.name)")
            #expect(s.relocationCount == dump.relocations(in: s.name).count, "\(arch) \(s.name)")
            #expect(s.relocations.map(\.offset) == dump.relocations(in: s.name).map(\.offset), "\(arch) \(s.name)")
            #expect(s.content.relocationsAreRela == (s.type == .rela), "\(arch) \(s.name)")
            for k in [0, s.relocationCount - 1] where k >= 0 {
                #expect(s.content.relocation(at: k) == d.relocations[k], "\(arch) \(s.name) \(k)")
            }
            #expect(s.content.relocation(at: s.relocationCount) == nil)
        }
        // Encoded and decoded tables with the same records are the same content.
        #expect(object.sections == decoded.sections)
        var changed = decoded
        let table = try #require(object.sections.first { $0.relocationCount > 0 })
        changed.updateSection(table.id) { s in
            s.content = .relocations(Array(s.relocations.dropLast()), rela: s.content.relocationsAreRela ?? true)
        }
        #expect(object.sections != changed.sections)
    }

    @Test(arguments: FixtureArch.allCases)
    func unchangedTablesAreCopiedAsRead(arch: FixtureArch) throws {
        let object = try ELFObject.read(path: try FixtureBuilder.shared.object(.livepatch, arch: arch).path)
        let layout = try ELFWriter.plan(object)
        let planned = Self.plannedEncoded(layout)
        #expect(Set(planned.keys) == Set(Self.encodedTables(object)), "\(arch)")
        #expect(!planned.values.contains(true), "\(arch): nothing renumbered when no symbol index changes")
        #expect(try layout.bytes() == ELFWriter.bytes(of: Self.decoded(object)), "\(arch)")
    }

    /// Removing a symbol that no relocation uses shifts the index of every later one: the tables are renumbered
    /// while copied, in every class and byte order, to the bytes the decoded tables give.
    @Test(arguments: FixtureArch.allCases)
    func shiftedSymbolIndicesAreRenumbered(arch: FixtureArch) throws {
        let path = try FixtureBuilder.shared.object(.livepatch, arch: arch).path
        var object = try ELFObject.read(path: path)
        object.removeSymbols([try Self.unusedSymbol(object)])
        let layout = try ELFWriter.plan(object)
        #expect(Self.plannedEncoded(layout).values.contains(true), "\(arch): a table is renumbered")
        let bytes = try layout.bytes()
        #expect(bytes == (try ELFWriter.bytes(of: Self.decoded(object))), "\(arch)")

        let dir = try TemporaryDirectory.make("renumbered")
        defer { TemporaryDirectory.remove(dir) }
        try FileIO.writeAtomically(bytes, to: "\(dir)/out.o")
        // binutils reads the same relocations, against the same symbols, at their new indices.
        let before = try Readelf(path).relocations
        let after = try Readelf("\(dir)/out.o").relocations
        #expect(after.keys.sorted() == before.keys.sorted())
        for (name, relocations) in before {
            let strip = { (r: Readelf.Relocation) in [r.symbolName ?? "", r.type, "\(r.offset)", "\(r.addend ?? 0)"] }
            #expect(after[name]?.map(strip) == relocations.map(strip), "\(arch) \(name)")
        }
    }

    /// The fixture's small tables are checked record by record; a gcc -g object's .rela.debug_info has more
    /// records than there are symbols, so the writer checks the symbols it noted, then finds the record to name.
    @Test(arguments: [false, true])
    func aSymbolRemovedFromUnderATableIsTheSameError(debugInfo: Bool) throws {
        let path: String
        if debugInfo {
            path = try CObject.build([("lp", Self.manyUses)], extraFlags: ["-g", "-O0"])
        } else {
            path = try FixtureBuilder.shared.object(.livepatch).path
        }
        let object = try ELFObject.read(path: path)
        let table = try #require(
            debugInfo
                ? object.section(named: ".rela.debug_info")
                : object.sections.max { $0.relocationCount < $1.relocationCount })
        if debugInfo {
            guard case .encodedRelocations(let encoded) = table.content else {
                Issue.record("\(table.name) is not kept encoded")
                return
            }
            #expect(encoded.usedSymbols != nil, "the reader noted the symbols of \(table.name)")
        }
        let used = try #require(table.relocations.last?.symbol)
        var encoded = object
        encoded.removeSymbols([used])
        let decoded = Self.decoded(encoded)
        #expect(!Self.encodedTables(encoded).isEmpty)
        func message(_ object: ELFObject) -> String {
            do {
                _ = try ELFWriter.plan(object)
                return "planned"
            } catch {
                return "\(error)"
            }
        }
        #expect(message(encoded).contains("refers to a symbol that was removed (\(used))"), "\(message(encoded))")
        #expect(message(encoded) == message(decoded))
        if debugInfo { #expect(message(encoded).contains(".rela.debug_info"), "\(message(encoded))") }
    }

    // MARK: conversions by the real binary

    /// -O0: every use of `saved_command_line` is a relocation, so .rela.text holds more records than there are
    /// symbols (the reader then notes which symbols a table uses, and the planner must still find this one).
    static let manyUses =
        "extern char *saved_command_line;\nint use_it(void) { int s = 0;\n"
        + String(repeating: "    s += saved_command_line[0];\n", count: 64) + "    return s; }\n"

    struct Converted {
        let run: DropInRun
        let input: ELFObject
        let plan: ConversionPlan
        let layout: ELFLayout
    }

    /// Builds `sources` with debug info, converts them with the binary, and checks that its output is what the
    /// conversion of the fully decoded model writes: the same bytes, so the same `readelf -r -W`.
    static func convert(_ sources: [(String, String)]) throws -> Converted {
        let dir = try TemporaryDirectory.make("encoded")
        let input = try CObject.build(sources, extraFlags: ["-g", "-O0"], in: dir)
        let run = try DropInRun.make(input: input, in: dir)
        let result = try run.convert()
        #expect(result.status == 0, "\(result.stderr)")

        let object = try ELFObject.read(path: input)
        let database = try SymbolDatabase.load(path: run.db)
        let plan = Converter(database: database).plan(object)
        let decodedPlan = Converter(database: database).plan(Self.decoded(object))
        #expect(plan == decodedPlan, "the plan made from encoded tables is the one made from decoded ones")
        let layout = try ELFWriter.plan(Converter.apply(plan, to: object))
        let written = try Converter.writtenBytes(database: database, Self.decoded(object))
        let oldPath = try #require(written)
        #expect(try FileIO.readAll(path: run.output) == oldPath, "the binary's output differs from the decoded path's")
        let decodedOutput = dir + "/decoded.ko"
        try FileIO.writeAtomically(oldPath, to: decodedOutput)
        let relocations = try Tool.check("readelf", ["-r", "-W", run.output])
        #expect(relocations == (try Tool.check("readelf", ["-r", "-W", decodedOutput])))
        return Converted(run: run, input: object, plan: plan, layout: layout)
    }

    @Test func conversionCopiesTheTablesItDoesNotChange() throws {
        let c = try Self.convert([("lp", Self.manyUses)])
        #expect(c.plan.convertedSymbols.map(\.name) == ["saved_command_line"])
        // .rela.text held more records than there are symbols: the planner still found the uses to move.
        let text = try #require(c.input.section(named: ".rela.text"))
        #expect(text.relocationCount >= 64 && c.input.symbols.count + 1 <= text.relocationCount)
        #expect(c.plan.createdSections.map(\.relocationCount) == [text.relocationCount])
        // Nothing removed, so no index changes: .rela.debug_info is copied byte for byte.
        #expect(Self.plannedEncoded(c.layout)[".rela.debug_info"] == false)
        #expect(
            try Readelf.sectionBytes(c.run.output, section: ".rela.debug_info")
                == Readelf.sectionBytes(c.run.input, section: ".rela.debug_info"))
    }

    @Test func conversionRenumbersTablesWhenAnnotationsGo() throws {
        // Two files joined by `ld -r`, which gives every section a section symbol in section order: the
        // annotation section's comes before those of the second file's sections, which its removal shifts.
        let c = try Self.convert([
            (
                "annotation",
                """
                extern int init_once(void);
                int f(void) { return init_once(); }
                KLP_MODULE_RELOC(vmlinux) relocs[] = { KLP_SYMPOS(init_once, 1) };
                """
            ),
            ("lp", Self.manyUses),
        ])
        #expect(Set(c.plan.convertedSymbols.map(\.name)) == ["saved_command_line", "init_once"])
        #expect(!c.plan.removedSymbols.isEmpty)
        // The annotation's symbols go, so later indices shift: some table is written renumbered.
        #expect(Self.plannedEncoded(c.layout).values.contains(true), "\(Self.plannedEncoded(c.layout))")
    }
}

extension Converter {
    /// The bytes the conversion of `object` writes (nil when the plan has errors).
    fileprivate static func writtenBytes(database: SymbolDatabase, _ object: ELFObject) throws -> [UInt8]? {
        let (_, output) = Converter(database: database).convert(object)
        return try output.map { try ELFWriter.bytes(of: $0) }
    }
}
