import Foundation
import KLPEngine
import KLPTestSupport
import Testing

/// Converts the same livepatch fixtures made by x86_64 gcc and by Debian's ppc64le, ppc64 (big
/// endian), s390x, arm64 and ppc32 cross compilers, and checks every output through GNU readelf
/// (`FixtureExpectations.checkConversion`): klp sections and their header fields, `.klp.sym.*` names
/// with SHN_LIVEPATCH, each relocation moved with its offset, type and addend unchanged, section
/// contents untouched, annotation records decoded in the target's byte order and record size.
@Suite("Cross-architecture conversion")
struct FixtureConversionTests {
    static let allArchs = FixtureArch.allCases

    typealias Target = ExpectedRelocations.Target

    // MARK: - Success cases

    @Test("livepatch.o: two joined units, homonyms, data and __jump_table references", arguments: allArchs)
    func livepatch(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: arch)
        let output = try FixtureExpectations.checkConversion(
            conversion, targets: FixtureExpectations.livepatchTargets,
            annotationSymbols: FixtureExpectations.livepatchAnnotationSymbols)
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
        let output = try FixtureExpectations.checkConversion(
            conversion, targets: FixtureExpectations.livepatch2Targets,
            annotationSymbols: ["test_klp_convert_mod_relocs_2"])
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
        try FixtureExpectations.checkConversion(conversion, targets: targets, annotationSymbols: [])
    }

    @Test("lp_noop.o: nothing to convert, output equals input under readelf", arguments: allArchs)
    func noop(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.noop, arch: arch)
        let output = try FixtureExpectations.checkConversion(conversion, targets: [:], annotationSymbols: [])
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

    @Test(
        "ppc64: .TOC. stays undefined and ordinary, .toc entries and calls become klp relocations",
        arguments: [FixtureArch.ppc64le, .ppc64])
    func ppc64Toc(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.livepatch, arch: arch)
        let output = try #require(conversion.output, "\(conversion.plan.diagnostics)")
        #expect(!output.symbols.contains { $0.name.contains(".TOC.") && $0.name.hasPrefix(".klp.sym.") })
        if arch == .ppc64le {
            #expect(output.symbols(named: ".TOC.").map(\.sectionIndex) == ["UND"])
            let tocUses = output.relocations.filter { $0.value.contains { $0.symbolName == ".TOC." } }.map(\.key)
            #expect(!tocUses.isEmpty)
            #expect(tocUses.allSatisfy { !$0.hasPrefix(".klp.rela.") })
        } else {
            // ELFv1 descriptors keep their symbol-less R_PPC64_TOC in an ordinary .rela.opd.
            #expect(output.rows(in: ".rela.opd") == conversion.input.rows(in: ".rela.opd"))
            #expect(output.rows(in: ".rela.opd").contains { $0.type == "R_PPC64_TOC" })
        }
        let toc = output.rows(in: ".klp.rela.vmlinux..toc")
        #expect(toc.contains { $0.symbol == ".klp.sym.vmlinux.saved_command_line,0" && $0.type == "R_PPC64_ADDR64" })
        #expect(output.rows(in: ".klp.rela.test_klp_convert_mod..toc").allSatisfy { $0.type == "R_PPC64_ADDR64" })
        // Calls keep R_PPC64_REL24 (the loader's stub needs the nop after the branch, which gcc emits).
        let calls = output.rows(in: ".klp.rela.test_klp_convert_mod..text")
            .filter { $0.symbol == ".klp.sym.test_klp_convert_mod.get_homonym_string,1" }
        #expect(!calls.isEmpty)
        #expect(calls.allSatisfy { $0.type == "R_PPC64_REL24" })
        // Every converted call is followed by a nop (0x60000000) that the loader turns into the r2
        // restore; without it the kernel refuses the relocation.
        let url = try FixtureBuilder.shared.object(.livepatch, arch: arch)
        let nop: [UInt8] = arch.isBigEndian ? [0x60, 0x00, 0x00, 0x00] : [0x00, 0x00, 0x00, 0x60]
        for klp in output.sections(withPrefix: ".klp.rela.") {
            let base = try #require(output.sectionName(at: klp.info))
            let rows = output.rows(in: klp.name).filter { $0.type == "R_PPC64_REL24" }
            guard !rows.isEmpty else { continue }
            let text = try Readelf.sectionBytes(url, section: base)
            for row in rows {
                guard let offset = Int(exactly: row.offset), offset <= text.count - 8 else {
                    Issue.record("\(klp.name) \(row): offset outside \(base)")
                    continue
                }
                let next = offset + 4
                #expect(Array(text[next..<(next + 4)]) == nop, "\(arch) \(klp.name) \(row): no nop")
            }
        }
    }

    @Test(
        "v4 annotation records: accepted where they are 12 bytes, refused on ppc32 where they are 8",
        arguments: allArchs)
    func v4Records(arch: FixtureArch) throws {
        let conversion = try FixtureConversion.run(.v4Record, arch: arch)
        guard arch == .ppc32 else {
            try FixtureExpectations.checkConversion(
                conversion,
                targets: [
                    "saved_command_line": .symbol("saved_command_line", "vmlinux", 0),
                    "state_show": .symbol("state_show", "vmlinux", 2),
                    "tracepoint_printk_key": .symbol("tracepoint_printk_key", "vmlinux", 0),
                ], annotationSymbols: ["v4_relocs"])
            return
        }
        // 3 records of 8 bytes: 24 bytes look like 2 records of 12, with a relocation at offset 8.
        #expect(conversion.plan.hasErrors)
        #expect(conversion.output == nil)
        let errors = conversion.plan.diagnostics.errors.map(\.description)
        #expect(errors.contains { $0.contains(".klp.module_relocs.vmlinux") && $0.contains("12") }, "\(errors)")
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
}
