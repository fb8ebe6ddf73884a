import Foundation
import KLPEngine
import Testing

/// Converts the same livepatch fixtures made by x86_64 gcc and by Debian's ppc64le, s390x, arm64
/// and ppc32 cross compilers, and checks every output through GNU readelf: klp sections and their
/// header fields, `.klp.sym.*` names with SHN_LIVEPATCH, each relocation moved with its offset, type
/// and addend unchanged, annotation records decoded in the target's byte order and record size.
@Suite("Cross-architecture conversion")
struct CrossArchTests {
    static let allArchs = FixtureArch.allCases

    typealias Target = ExpectedRelocations.Target

    /// Names a converted livepatch may still leave undefined: exports and the ppc64 TOC base.
    static let allowedUndefined: Set<String> = ["printk", "__fentry__", "_mcount", "test_klp_mod_exported", ".TOC."]

    static let livepatchTargets: [String: Target] = [
        "saved_command_line": .symbol("saved_command_line", "vmlinux", 0),
        "state_show": .symbol("state_show", "vmlinux", 1),
        "klp_optional_hook": .symbol("klp_optional_hook", "vmlinux", 0),
        "tracepoint_printk_key": .symbol("tracepoint_printk_key", "vmlinux", 0),
        "driver_name": .symbol("driver_name", "test_klp_convert_mod", 0),
        "homonym_string": .symbol("homonym_string", "test_klp_convert_mod", 1),
        "get_homonym_string": .symbol("get_homonym_string", "test_klp_convert_mod", 1),
        "test_klp_get_driver_name": .symbol("test_klp_get_driver_name", "test_klp_convert_mod", 0),
        "klp_string.12345": .symbol("klp_string.12345", "test_klp_convert_mod", 0),
        "klp_string.67890": .symbol("klp_string.67890", "test_klp_convert_mod", 1),
    ]
    static let livepatchAnnotationSymbols: Set<String> = [
        "vmlinux_relocs_main", "vmlinux_relocs_extra", "test_klp_convert_mod_relocs_main",
    ]

    static let livepatch2Targets: [String: Target] = [
        "saved_command_line": .symbol("saved_command_line", "vmlinux", 0),
        "driver_name": .symbol("driver_name", "test_klp_convert_mod", 0),
        "homonym_string": .symbol("homonym_string", "test_klp_convert_mod", 2),
        "get_homonym_string": .symbol("get_homonym_string", "test_klp_convert_mod", 2),
        "test_klp_get_driver_name": .symbol("test_klp_get_driver_name", "test_klp_convert_mod", 0),
    ]

    // MARK: - Success cases

    @Test("livepatch.o: two joined units, homonyms, data and __jump_table references", arguments: allArchs)
    func livepatch(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: arch)
        let output = try Self.checkConversion(
            conversion, targets: Self.livepatchTargets, annotationSymbols: Self.livepatchAnnotationSymbols)
        // A vmlinux static key in __jump_table becomes a vmlinux klp relocation.
        #expect(!output.rows(in: ".klp.rela.vmlinux.__jump_table").isEmpty, "\(arch)")
        // Debug info that pointed into the annotation array lost those relocations, kept the rest.
        #expect(!output.rows(in: ".rela.debug_info").isEmpty)
        // The read-only pointer to a module symbol (p_driver_name) is converted with a warning.
        let warnings = conversion.plan.diagnostics.warnings.map(\.description)
        #expect(warnings.contains { $0.contains("driver_name") }, "\(arch): \(warnings)")
    }

    @Test("livepatch2.o: positions 2 decoded in the target's byte order, automatic resolution", arguments: allArchs)
    func livepatch2(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch2, arch: arch)
        let output = try Self.checkConversion(
            conversion, targets: Self.livepatch2Targets, annotationSymbols: ["test_klp_convert_mod_relocs_2"])
        // 2 stored big-endian must not be read as 0x02000000 (or the reverse on little-endian hosts).
        #expect(output.symbols(named: ".klp.sym.test_klp_convert_mod.homonym_string,2").count == 1, "\(arch)")
        #expect(!output.symbols.contains { $0.name.hasSuffix(",33554432") }, "\(arch)")
    }

    @Test("lp_minimal.o: minimal-version .klp.sym.rela. names", arguments: allArchs)
    func minimal(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.minimal, arch: arch)
        let targets: [String: Target] = [
            ".klp.sym.rela.vmlinux.vmlinux.saved_command_line,0":
                Target(object: "vmlinux", newName: ".klp.sym.vmlinux.saved_command_line,0"),
            ".klp.sym.rela.test_klp_convert_mod.test_klp_convert_mod.homonym_string.2":
                Target(object: "test_klp_convert_mod", newName: ".klp.sym.test_klp_convert_mod.homonym_string,2"),
        ]
        try Self.checkConversion(conversion, targets: targets, annotationSymbols: [])
    }

    @Test("lp_noop.o: nothing to convert, output equals input under readelf", arguments: allArchs)
    func noop(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.noop, arch: arch)
        let output = try Self.checkConversion(conversion, targets: [:], annotationSymbols: [])
        #expect(output.sections.map(\.name) == conversion.input.sections.map(\.name))
        #expect(output.symbols == conversion.input.symbols, "\(arch)")
        for name in conversion.input.relocationSectionOrder {
            #expect(output.rows(in: name) == conversion.input.rows(in: name), "\(arch) \(name)")
        }
    }

    @Test("a second run over the output changes nothing", arguments: allArchs)
    func idempotent(arch: FixtureArch) throws {
        let first = try FixtureConversion.run(.livepatch, arch: arch, keepOutput: true)
        let url = try #require(first.outputURL, "\(arch): \(first.plan.diagnostics)")
        defer { FixtureConversion.removeOutputDirectory(url) }
        let firstDump = try #require(first.output)
        let (plan, again) = try FixtureConversion.rerun(url)
        #expect(!plan.hasErrors, "\(arch): \(plan.diagnostics.errors)")
        let second = try #require(again)
        #expect(second.sections == firstDump.sections, "\(arch)")
        #expect(second.symbols == firstDump.symbols, "\(arch)")
        for name in firstDump.relocationSectionOrder {
            #expect(second.rows(in: name) == firstDump.rows(in: name), "\(arch) \(name)")
        }
    }

    // MARK: - Architecture specifics

    @Test("ppc64le: .TOC. stays undefined and ordinary, .toc entries and calls become klp relocations")
    func ppc64leToc() throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: .ppc64le)
        let output = try #require(conversion.output, "\(conversion.plan.diagnostics)")
        #expect(output.symbols(named: ".TOC.").map(\.sectionIndex) == ["UND"])
        #expect(!output.symbols.contains { $0.name.contains(".TOC.") && $0.name.hasPrefix(".klp.sym.") })
        let tocUses = output.relocations.filter { $0.value.contains { $0.symbolName == ".TOC." } }.map(\.key)
        #expect(!tocUses.isEmpty)
        #expect(tocUses.allSatisfy { !$0.hasPrefix(".klp.rela.") })
        let toc = output.rows(in: ".klp.rela.vmlinux..toc")
        #expect(toc.contains { $0.symbol == ".klp.sym.vmlinux.saved_command_line,0" && $0.type == "R_PPC64_ADDR64" })
        #expect(output.rows(in: ".klp.rela.test_klp_convert_mod..toc").allSatisfy { $0.type == "R_PPC64_ADDR64" })
        // Calls keep R_PPC64_REL24 (the loader's stub needs the nop after the branch, which gcc emits).
        let calls = output.rows(in: ".klp.rela.test_klp_convert_mod..text")
            .filter { $0.symbol == ".klp.sym.test_klp_convert_mod.get_homonym_string,1" }
        #expect(!calls.isEmpty)
        #expect(calls.allSatisfy { $0.type == "R_PPC64_REL24" })
    }

    @Test("ppc32: ELF32 output with 12-byte klp relocation entries")
    func ppc32Layout() throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: .ppc32)
        let output = try #require(conversion.output, "\(conversion.plan.diagnostics)")
        #expect(output.header.elfClass == "ELF32")
        let klp = output.sections(withPrefix: ".klp.rela.")
        #expect(!klp.isEmpty)
        #expect(klp.allSatisfy { $0.entrySize == 12 && $0.alignment == 4 && $0.size % 12 == 0 })
        // The 12-byte record with its 8-byte pointer field gave the right symbol for every record.
        #expect(output.symbols(named: ".klp.sym.test_klp_convert_mod.klp_string.67890,1").count == 1)
        #expect(output.symbols(named: ".klp.sym.vmlinux.state_show,1").count == 1)
    }

    @Test("arm64: SHF_LINK_ORDER __patchable_function_entries still links to its text section")
    func arm64LinkOrder() throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: .arm64)
        let output = try #require(conversion.output, "\(conversion.plan.diagnostics)")
        let entries = try #require(output.section(named: "__patchable_function_entries"))
        #expect(entries.flags.contains("L"))
        #expect(output.sectionName(at: entries.link) == ".text")
        let types = Set(output.sections(withPrefix: ".klp.rela.").flatMap { output.rows(in: $0.name).map(\.type) })
        #expect(types.isSuperset(of: ["R_AARCH64_CALL26", "R_AARCH64_ADR_PREL_PG_HI21", "R_AARCH64_ABS64"]))
    }

    // MARK: - Errors, on every architecture

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

    // MARK: - Shared checks

    /// Checks one successful conversion against what readelf shows of its input, and returns the
    /// output dump for further checks.
    @discardableResult
    static func checkConversion(
        _ conversion: FixtureConversion, targets: [String: Target], annotationSymbols: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ReadelfDump {
        let arch = conversion.arch
        let label = "\(arch) \(conversion.object.rawValue)"
        #expect(!conversion.plan.hasErrors, "\(label): \(conversion.plan.diagnostics.errors)", sourceLocation: sourceLocation)
        let output = try #require(conversion.output, "\(label): no output", sourceLocation: sourceLocation)
        let input = conversion.input

        // Same kind of file, and binutils finds nothing wrong with it.
        #expect(output.header == input.header, "\(label)", sourceLocation: sourceLocation)
        #expect(output.problems.isEmpty, "\(label): \(output.problems)", sourceLocation: sourceLocation)

        // Annotations are gone: sections, their symbols, and every relocation that used them.
        #expect(output.sections(withPrefix: ".klp.module_relocs.").isEmpty, "\(label)", sourceLocation: sourceLocation)
        #expect(output.sections(withPrefix: ".rela.klp.module_relocs.").isEmpty, "\(label)", sourceLocation: sourceLocation)
        for name in annotationSymbols {
            #expect(output.symbols(named: name).isEmpty, "\(label): \(name) kept", sourceLocation: sourceLocation)
        }

        // Every relocation is where it should be, with offset, type and addend unchanged.
        let expected = ExpectedRelocations(input: input, targets: targets, annotationSymbols: annotationSymbols)
        let names = Set(expected.bySection.keys).union(output.relocations.keys)
        for name in names.sorted() {
            let want = expected.bySection[name] ?? []
            let got = output.rows(in: name)
            #expect(got == want, "\(label) \(name):\n got  \(got)\n want \(want)", sourceLocation: sourceLocation)
        }

        // klp relocation sections: header fields the kernel relies on.
        let symtab = try #require(output.section(named: ".symtab"), sourceLocation: sourceLocation)
        let klpSections = output.sections(withPrefix: ".klp.rela.")
        let expectedKlp = Set(expected.bySection.filter { $0.key.hasPrefix(".klp.rela.") && !$0.value.isEmpty }.keys)
        #expect(Set(klpSections.map(\.name)) == expectedKlp, "\(label)", sourceLocation: sourceLocation)
        for section in klpSections {
            let context = "\(label) \(section.name)"
            #expect(section.type == "RELA", "\(context)", sourceLocation: sourceLocation)
            // A = SHF_ALLOC, I = SHF_INFO_LINK, o = an OS flag: SHF_RELA_LIVEPATCH (0x100000).
            #expect(Set(section.flags) == ["A", "I", "o"], "\(context): \(section.flags)", sourceLocation: sourceLocation)
            #expect(section.link == symtab.index, "\(context)", sourceLocation: sourceLocation)
            let object = section.name.dropFirst(".klp.rela.".count).prefix { $0 != "." }
            let base = String(section.name.dropFirst(".klp.rela.".count + object.count + 1))
            #expect(output.sectionName(at: section.info) == base, "\(context)", sourceLocation: sourceLocation)
            #expect(section.entrySize == UInt64(arch.relaEntrySize), "\(context)", sourceLocation: sourceLocation)
            #expect(section.alignment == UInt64(arch.relaAlignment), "\(context)", sourceLocation: sourceLocation)
        }

        // Each converted symbol renamed once, SHN_LIVEPATCH, binding and type kept.
        for (oldName, target) in targets {
            let renamed = output.symbols(named: target.newName)
            #expect(renamed.count == 1, "\(label): \(target.newName)", sourceLocation: sourceLocation)
            #expect(output.symbols(named: oldName).isEmpty, "\(label): \(oldName) left", sourceLocation: sourceLocation)
            guard let new = renamed.first, let old = input.symbols(named: oldName).first else { continue }
            #expect(new.sectionIndex == "OS [0xff20]", "\(label): \(target.newName)", sourceLocation: sourceLocation)
            #expect(new.bind == old.bind && new.type == old.type, "\(label): \(oldName)", sourceLocation: sourceLocation)
        }

        // Nothing undefined is left that the kernel's loader would refuse.
        for symbol in output.symbols where symbol.sectionIndex == "UND" && !symbol.name.isEmpty {
            #expect(allowedUndefined.contains(symbol.name), "\(label): \(symbol.name) still undefined",
                    sourceLocation: sourceLocation)
        }
        // Locals first, and .symtab's sh_info counts them.
        let firstGlobal = output.symbols.first { $0.bind != "LOCAL" }?.index ?? output.symbols.count
        #expect(symtab.info == firstGlobal, "\(label)", sourceLocation: sourceLocation)
        #expect(output.symbols.dropFirst(firstGlobal).allSatisfy { $0.bind != "LOCAL" }, "\(label)",
                sourceLocation: sourceLocation)

        // Sections that survive still point at the same sections by name (indices shifted).
        for section in output.sections where section.index != 0 && !section.name.hasPrefix(".klp.rela.") {
            guard let before = input.section(named: section.name) else {
                Issue.record("\(label): unexpected new section \(section.name)", sourceLocation: sourceLocation)
                continue
            }
            if before.link != 0 {
                #expect(output.sectionName(at: section.link) == input.sectionName(at: before.link),
                        "\(label) \(section.name) sh_link", sourceLocation: sourceLocation)
            }
            if section.type == "RELA" || section.type == "REL" || section.flags.contains("I") {
                #expect(output.sectionName(at: section.info) == input.sectionName(at: before.info),
                        "\(label) \(section.name) sh_info", sourceLocation: sourceLocation)
            }
        }
        return output
    }
}

/// The same conversions against the name-sorted upstream 0.1 database and with module exports
/// converted, on every architecture.
@Suite("Cross-architecture conversion: database forms and options")
struct CrossArchDatabaseTests {
    static let allArchs = FixtureArch.allCases

    @Test("name-sorted 0.1 database: same output, annotated homonym positions only validated",
          arguments: allArchs)
    func sortedDatabase(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: arch, database: FixturePaths.sortedDatabase)
        let output = try CrossArchTests.checkConversion(
            conversion, targets: CrossArchTests.livepatchTargets,
            annotationSymbols: CrossArchTests.livepatchAnnotationSymbols)
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
        var targets = CrossArchTests.livepatchTargets
        targets["test_klp_mod_exported"] = .symbol("test_klp_mod_exported", "test_klp_convert_mod", 0)
        try CrossArchTests.checkConversion(
            conversion, targets: targets, annotationSymbols: CrossArchTests.livepatchAnnotationSymbols)
    }
}

/// The engine's reader and writer on real objects of every architecture.
@Suite("Cross-architecture ELF reading and positions")
struct CrossArchELFTests {
    static let allArchs = FixtureArch.allCases

    @Test("every fixture object read and written back unchanged looks the same to readelf", arguments: allArchs)
    func roundTrip(arch: FixtureArch) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("klp-roundtrip-\(arch.rawValue)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for object in FixtureObject.allCases {
            let input = try FixtureBuilder.shared.object(object, arch: arch)
            let copy = directory.appendingPathComponent(object.rawValue)
            try FileIO.writeAtomically(try ELFWriter.bytes(of: try ELFObject.read(path: input.path)), to: copy.path)
            let before = try FixtureReadelf.dump(input)
            let after = try FixtureReadelf.dump(copy)
            let label = "\(arch) \(object.rawValue)"
            #expect(after.header == before.header, "\(label)")
            #expect(after.sections == before.sections, "\(label)")
            #expect(after.symbols == before.symbols, "\(label)")
            #expect(after.relocations == before.relocations, "\(label)")
            #expect(after.problems.isEmpty, "\(label): \(after.problems)")
            let contentsBefore = try FixtureReadelf.allSectionContents(input, sectionCount: before.sections.count)
            let contentsAfter = try FixtureReadelf.allSectionContents(copy, sectionCount: after.sections.count)
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
            if symbol.type == 4 { file = symbol.name; continue }  // STT_FILE
            guard symbol.type != 3, !symbol.name.isEmpty, symbol.section.isDefinedInFile,  // STT_SECTION
                  !symbol.name.hasPrefix("$"), !symbol.name.hasPrefix(".L") else { continue }
            // Export markers are read as "exported", not as symbols of the object.
            guard !symbol.name.hasPrefix("__export_symbol_"), !symbol.name.hasPrefix("__ksymtab_") else { continue }
            copies[symbol.name, default: []].append(file)
        }
        let database = try SymbolDatabase.load(path: FixturePaths.orderedDatabase.path)
        #expect(copies["homonym_string"]?.count == 2, "\(arch)")
        for (name, files) in copies {
            let candidates = database.candidates(named: name, in: "test_klp_convert_mod").sorted { $0.position < $1.position }
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
