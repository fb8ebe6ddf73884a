import Foundation
import KLPEngine
import KLPTestSupport
import Testing

/// What the fixture livepatches must become, and the checks every successful conversion of a
/// fixture must pass when read back through GNU readelf.
enum FixtureExpectations {
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

    /// Checks one successful conversion against what readelf shows of its input, and returns the
    /// output dump for further checks.
    @discardableResult
    static func checkConversion(
        _ conversion: FixtureConversion, targets: [String: Target], annotationSymbols: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Readelf {
        let arch = conversion.arch
        let label = "\(arch) \(conversion.object.rawValue)"
        #expect(
            !conversion.plan.hasErrors, "\(label): \(conversion.plan.diagnostics.errors)",
            sourceLocation: sourceLocation)
        let output = try #require(conversion.output, "\(label): no output", sourceLocation: sourceLocation)
        let input = conversion.input

        // Same kind of file, and binutils finds nothing wrong with it.
        #expect(output.header == input.header, "\(label)", sourceLocation: sourceLocation)
        #expect(output.problems.isEmpty, "\(label): \(output.problems)", sourceLocation: sourceLocation)

        // Annotations are gone: sections, their symbols, and every relocation that used them.
        #expect(output.sections(withPrefix: ".klp.module_relocs.").isEmpty, "\(label)", sourceLocation: sourceLocation)
        #expect(
            output.sections(withPrefix: ".rela.klp.module_relocs.").isEmpty, "\(label)", sourceLocation: sourceLocation)
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
            #expect(
                Set(section.flags) == ["A", "I", "o"], "\(context): \(section.flags)", sourceLocation: sourceLocation)
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
            #expect(
                new.bind == old.bind && new.type == old.type, "\(label): \(oldName)", sourceLocation: sourceLocation)
        }

        // Nothing undefined is left that the kernel's loader would refuse.
        for symbol in output.symbols where symbol.sectionIndex == "UND" && !symbol.name.isEmpty {
            #expect(
                allowedUndefined.contains(symbol.name), "\(label): \(symbol.name) still undefined",
                sourceLocation: sourceLocation)
        }
        // Locals first, and .symtab's sh_info counts them.
        let firstGlobal = output.symbols.first { $0.bind != "LOCAL" }?.index ?? output.symbols.count
        #expect(symtab.info == firstGlobal, "\(label)", sourceLocation: sourceLocation)
        #expect(
            output.symbols.dropFirst(firstGlobal).allSatisfy { $0.bind != "LOCAL" }, "\(label)",
            sourceLocation: sourceLocation)

        // Contents are never touched: the kernel writes each relocation into a zeroed place (x86_64
        // refuses a non-zero one), so every data section keeps its bytes.
        let contentsBefore = conversion.inputContents
        let contentsAfter = conversion.outputContents
        #expect(!contentsAfter.isEmpty, "\(label)", sourceLocation: sourceLocation)
        let tables: Set<String> = ["RELA", "REL", "SYMTAB", "STRTAB"]
        for section in output.sections where !tables.contains(section.type) {
            guard let before = contentsBefore[section.name] else { continue }
            #expect(
                contentsAfter[section.name] == before, "\(label) \(section.name) contents changed",
                sourceLocation: sourceLocation)
        }

        // Sections that survive still point at the same sections by name (indices shifted).
        for section in output.sections where section.index != 0 && !section.name.hasPrefix(".klp.rela.") {
            guard let before = input.section(named: section.name) else {
                Issue.record("\(label): unexpected new section \(section.name)", sourceLocation: sourceLocation)
                continue
            }
            if before.link != 0 {
                #expect(
                    output.sectionName(at: section.link) == input.sectionName(at: before.link),
                    "\(label) \(section.name) sh_link", sourceLocation: sourceLocation)
            }
            if section.type == "RELA" || section.type == "REL" || section.flags.contains("I") {
                #expect(
                    output.sectionName(at: section.info) == input.sectionName(at: before.info),
                    "\(label) \(section.name) sh_info", sourceLocation: sourceLocation)
            }
        }
        return output
    }
}
