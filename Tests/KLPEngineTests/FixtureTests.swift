import Foundation
import KLPTestSupport
import Testing

/// Checks the fixtures themselves (sources, committed cross objects, databases) through binutils,
/// so a converter test failure can be trusted to be the converter's fault.
@Suite("Fixtures")
struct FixtureTests {
    static let allArchs = FixtureArch.allCases

    @Test("every fixture object exists and readelf reads it as its architecture", arguments: allArchs)
    func objectsMatchArchitecture(arch: FixtureArch) throws {
        for object in FixtureObject.allCases {
            let dump = try Readelf(try FixtureBuilder.shared.object(object, arch: arch))
            #expect(dump.header.elfClass == (arch.is64Bit ? "ELF64" : "ELF32"), "\(arch) \(object)")
            #expect(dump.header.data.hasSuffix(arch.isBigEndian ? "big endian" : "little endian"), "\(arch) \(object)")
            #expect(dump.header.machine == arch.readelfMachine, "\(arch) \(object)")
            #expect(dump.header.type.hasPrefix("REL "), "\(arch) \(object)")
            #expect(dump.problems.isEmpty, "\(arch) \(object): \(dump.problems)")
            #expect(dump.section(named: ".symtab") != nil)
        }
    }

    @Test("the committed cross objects were built from the current sources")
    func crossObjectsAreCurrent() throws {
        let manifest = FixturePaths.fixtures.appendingPathComponent("cross/SOURCES.sha256")
        var recorded: [String: String] = [:]
        for line in try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            recorded[String(fields[1])] = String(fields[0])
        }
        let sources = try FileManager.default.contentsOfDirectory(atPath: FixturePaths.sources.path).sorted()
        let current =
            ["scripts/build-fixtures.sh", "examples/klp_macros.h"]
            + sources.map { "Tests/KLPEngineTests/Fixtures/src/\($0)" }
        let paths = current.map { FixturePaths.repositoryRoot.appendingPathComponent($0).path }
        let hashes = try Tool.check("sha256sum", paths).split(separator: "\n")
            .compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).first.map(String.init) }
        #expect(hashes.count == current.count)
        let rebuild =
            "rebuild them: scripts/build-fixtures.sh --arch cross Tests/KLPEngineTests/Fixtures/cross "
            + "(needs the cross compilers listed in cross/README.md)"
        #expect(
            Set(recorded.keys) == Set(current),
            "sources added or removed since the cross objects were built; \(rebuild)")
        for (path, hash) in zip(current, hashes) {
            #expect(recorded[path] == hash, "\(path) changed since the cross objects were built; \(rebuild)")
        }
    }

    @Test("annotation records are 12 bytes with sympos in the target byte order", arguments: allArchs)
    func annotationRecords(arch: FixtureArch) throws {
        let url = try FixtureBuilder.shared.object(.livepatch2, arch: arch)
        let name = ".klp.module_relocs.test_klp_convert_mod"
        let bytes = try Readelf.sectionBytes(url, section: name)
        #expect(bytes.count == 3 * 12)
        let positions = stride(from: 0, to: bytes.count, by: 12).map { start -> UInt32 in
            let word = bytes[(start + 8)..<(start + 12)]
            return word.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }  // read as big-endian
        }
        // lp2.c annotates positions 2, 2, 0.
        let two: UInt32 = arch.isBigEndian ? 2 : 0x0200_0000
        #expect(positions == [two, two, 0])

        let dump = try Readelf(url)
        let relocations = dump.relocations(in: ".rela" + name)
        #expect(relocations.map(\.offset) == [0, 12, 24])
        #expect(relocations.allSatisfy { $0.type == arch.absolutePointerRelocation })
        #expect(relocations.map(\.symbolName) == ["homonym_string", "get_homonym_string", "driver_name"])
    }

    @Test("both units of livepatch.o annotate vmlinux in one joined section", arguments: allArchs)
    func joinedAnnotations(arch: FixtureArch) throws {
        let dump = try Readelf(try FixtureBuilder.shared.object(.livepatch, arch: arch))
        let section = try #require(dump.section(named: ".klp.module_relocs.vmlinux"))
        #expect(section.size == 36)
        let names = dump.relocations(in: ".rela.klp.module_relocs.vmlinux").map(\.symbolName)
        #expect(names == ["saved_command_line", "state_show", "state_show"])
        // -g on lp_extra.c: debug info refers to the annotation array, which the converter must drop.
        let debugNames = dump.relocations(in: ".rela.debug_info").compactMap(\.symbolName)
        #expect(debugNames.contains("vmlinux_relocs_extra"))
    }

    @Test(
        "livepatch.o references unresolved symbols from text, data, read-only data and __jump_table",
        arguments: allArchs)
    func referenceSections(arch: FixtureArch) throws {
        let dump = try Readelf(try FixtureBuilder.shared.object(.livepatch, arch: arch))
        func referrers(_ symbol: String) -> Set<String> {
            Set(dump.relocations.filter { $0.value.contains { $0.symbolName == symbol } }.map(\.key))
        }
        // ppc64 reaches data through .toc entries; calls stay in each text section.
        let dataReference = arch.usesTOC ? [".rela.toc"] : [".rela.text", ".rela.text.lp_sec_one"]
        #expect(
            referrers("saved_command_line").isSuperset(
                of: dataReference + [
                    ".rela.data.rel.ro", ".rela.klp.module_relocs.vmlinux",
                ]))
        #expect(
            referrers("test_klp_get_driver_name").isSuperset(of: [
                ".rela.text", ".rela.text.lp_sec_one", ".rela.text.lp_sec_two",
            ]))
        #expect(referrers("tracepoint_printk_key").contains(".rela__jump_table"))
        #expect(!referrers("test_klp_get_driver_name").isDisjoint(with: [".rela.data", ".rela.data.rel"]))
        #expect(referrers("homonym_string").contains(".rela.data..read_mostly"))
        #expect(referrers("klp_string.67890").contains(".rela.klp.module_relocs.test_klp_convert_mod"))
        #expect(dump.symbols(named: "klp_optional_hook").first?.bind == "WEAK")
        #expect(dump.symbols(named: "klp_optional_hook").first?.sectionIndex == "UND")
    }

    @Test(
        "ppc64 objects have a .rela.toc that refers to undefined targets; ELFv2 (ppc64le) uses .TOC.",
        arguments: [FixtureArch.ppc64le, .ppc64])
    func ppc64Toc(arch: FixtureArch) throws {
        let dump = try Readelf(try FixtureBuilder.shared.object(.livepatch, arch: arch))
        if arch == .ppc64le {
            #expect(dump.symbols(named: ".TOC.").first?.sectionIndex == "UND")
            #expect(dump.relocations.values.joined().contains { $0.symbolName == ".TOC." })
        } else {
            // ELFv1: function descriptors in .opd, whose TOC word has a symbol-less R_PPC64_TOC.
            #expect(dump.relocations(in: ".rela.opd").contains { $0.type == "R_PPC64_TOC" && $0.symbolName == nil })
        }
        let undefined = Set(dump.symbols.filter { $0.sectionIndex == "UND" }.map(\.name))
        let tocTargets = dump.relocations(in: ".rela.toc")
        #expect(!tocTargets.isEmpty)
        #expect(tocTargets.allSatisfy { $0.type == "R_PPC64_ADDR64" })
        #expect(tocTargets.contains { $0.symbolName == "saved_command_line" })
        #expect(tocTargets.allSatisfy { undefined.contains($0.symbolName ?? "") })
    }

    @Test("the ordered database lists the module's homonyms in its symtab order", arguments: allArchs)
    func orderedDatabaseMatchesModule(arch: FixtureArch) throws {
        let dump = try Readelf(try FixtureBuilder.shared.object(.targetModule, arch: arch))
        // (file, name) of the module's defined, named symbols in symtab order.
        var file = ""
        var fromSymtab: [String: [String]] = [:]
        for symbol in dump.symbols {
            if symbol.type == "FILE" {
                file = symbol.name
                continue
            }
            guard symbol.type != "SECTION", !symbol.name.isEmpty, symbol.sectionIndex != "UND" else { continue }
            // Mapping symbols ($x, $d on arm64) and assembler labels (.LC0 on s390x) are not in
            // kallsyms, so the database does not list them.
            guard !symbol.name.hasPrefix("$"), !symbol.name.hasPrefix(".L") else { continue }
            fromSymtab[symbol.name, default: []].append(symbol.bind == "LOCAL" ? file : "")
        }
        let blocks = try FixtureDatabaseText.load(FixturePaths.orderedDatabase)
        let module = try #require(blocks["test_klp_convert_mod"])
        var fromDatabase: [String: [String]] = [:]
        for entry in module { fromDatabase[entry.name, default: []].append(entry.file) }
        for name in ["homonym_string", "get_homonym_string"] {
            #expect(fromSymtab[name] == ["mod_a.c", "mod_b.c"], "\(arch) \(name)")
            #expect(fromDatabase[name] == ["mod_a.c", "mod_b.c"], "\(name)")
        }
        // Every defined module symbol is listed exactly as often as the symtab holds it.
        #expect(Set(fromSymtab.keys) == Set(fromDatabase.keys), "\(arch)")
        for (name, files) in fromSymtab { #expect(fromDatabase[name]?.count == files.count, "\(arch) \(name)") }
    }

    @Test("the name-sorted database's module block is what nm prints for the x86_64 module")
    func sortedDatabaseMatchesNm() throws {
        let module = try FixtureBuilder.shared.object(.targetModule)
        let nm = try ChildProcess.check("nm", ["-f", "posix", module.path])
        let names = nm.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        let blocks = try FixtureDatabaseText.load(FixturePaths.sortedDatabase)
        #expect(blocks["test_klp_convert_mod"]?.map(\.name) == names)
    }

    @Test("the databases agree, and cover every reference of the success fixtures", arguments: allArchs)
    func databasesCoverFixtures(arch: FixtureArch) throws {
        let ordered = try FixtureDatabaseText.load(FixturePaths.orderedDatabase)
        let sorted = try FixtureDatabaseText.load(FixturePaths.sortedDatabase)
        #expect(Set(ordered.keys) == Set(sorted.keys))
        for (object, entries) in ordered {
            let names = entries.map(\.name)
            let extra = Set(sorted[object, default: []].map(\.name)).subtracting(names)
            // The sorted form may add a module's undefined (nm "U") names, nothing else.
            #expect(extra.isSubset(of: ["printk", "__fentry__"]), "\(object): \(extra)")
        }
        let all = Set(ordered.values.joined().map(\.name))
        for object in [FixtureObject.livepatch, .livepatch2, .noop] {
            let dump = try Readelf(try FixtureBuilder.shared.object(object, arch: arch))
            for symbol in dump.symbols where symbol.sectionIndex == "UND" && !symbol.name.isEmpty {
                guard symbol.name != ".TOC." else { continue }
                #expect(all.contains(symbol.name), "\(arch) \(object): \(symbol.name) missing from the database")
            }
        }
        #expect(!all.contains("klp_missing_symbol"))
    }
}
