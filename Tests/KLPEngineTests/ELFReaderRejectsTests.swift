import Foundation
import KLPSynthetic
import Testing

@testable import KLPDatabaseBuilder
@testable import KLPEngine

/// A corruption corpus made from a real gcc-built livepatch object, read through the engine in-process: every
/// case must end with an ELFError that names the file, the place and the problem (a trap would kill the run).
@Suite struct ELFReaderRejectsTests {
    /// Reads `bytes` and requires an ELFError whose text contains `expected`.
    @discardableResult
    static func expectError(
        _ bytes: [UInt8], _ expected: String, place: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ELFError? {
        do {
            let object = try ELFObject(bytes: bytes, path: "corrupt.ko")
            Issue.record(
                "read without error (\(object.sections.count) sections); expected '\(expected)'",
                sourceLocation: sourceLocation)
            return nil
        } catch {
            // ELFObject(bytes:path:) throws only ELFError (typed throws): nothing else can reach here.
            #expect(error.description.hasPrefix("corrupt.ko: "), sourceLocation: sourceLocation)
            #expect(error.description.contains(expected), "\(error)", sourceLocation: sourceLocation)
            if let place {
                #expect(error.place?.contains(place) == true, "place of \(error)", sourceLocation: sourceLocation)
            }
            return error
        }
    }

    @Test func truncationAtEveryOffsetIsAnError() throws {
        let base = try Hostile.baseObject()
        let database = try Hostile.database()
        #expect(Hostile.pipeline(base, database: database) == nil, "the base object must convert")
        for length in 0..<base.count {
            let error = Hostile.pipeline(Array(base[..<length]), database: database)
            // gcc puts the section header table last, so every strict prefix loses part of it or of a section.
            #expect(error is ELFError || error is FileError, "prefix of \(length) bytes: \(String(describing: error))")
        }
    }

    @Test func bitFlipsNeverTrap() throws {
        let base = try Hostile.baseObject()
        let database = try Hostile.database()
        let patch = try ELFPatch(base)
        // Every bit of the ELF header, the section headers and .symtab; a deterministic sample elsewhere.
        var offsets =
            Array(0..<patch.layout.fileHeader.size)
            + Array(patch.shoff..<(patch.shoff + patch.layout.sectionHeader.size * patch.shnum))
        let symtab = try patch.index(".symtab")
        offsets += Array(Int(patch.get(symtab, .offset))..<Int(patch.get(symtab, .offset) + patch.get(symtab, .size)))
        var rng = SyntheticSymbolList.Random(seed: 8)
        for _ in 0..<400 { offsets.append(Int(rng.next() % UInt64(base.count))) }
        var outcomes: [String: Int] = [:]
        for o in offsets {
            for bit in 0..<8 {
                var bytes = base
                bytes[o] ^= 1 << bit
                let e = Hostile.pipeline(bytes, database: database)
                let kind = e.map { "\(type(of: $0))" } ?? "converted"
                outcomes[kind, default: 0] += 1
                #expect(
                    e == nil || e is ELFError || e is HostileConversionFailed,
                    "flip at \(o) bit \(bit): \(String(describing: e))")
            }
        }
        // Both outcomes occur: a test that never reaches the converter or never fails would prove little.
        #expect(outcomes["ELFError", default: 0] > 100 && outcomes["converted", default: 0] > 100, "\(outcomes)")
    }

    @Test func sectionContentsPastTheEnd() throws {
        var p = try ELFPatch(Hostile.baseObject())
        let text = try p.index(".text")
        p.set(text, .offset, UInt64(p.bytes.count - 4))
        Self.expectError(p.bytes, "run past the end of the file", place: "section [\(text)]")
        var q = try ELFPatch(Hostile.baseObject())
        q.set(text, .size, UInt64.max - 8)
        Self.expectError(q.bytes, "run past the end of the file")
        var r = try ELFPatch(Hostile.baseObject())
        r.set(text, .offset, UInt64.max)
        Self.expectError(r.bytes, "run past the end of the file")
    }

    @Test func overlappingSections() throws {
        var p = try ELFPatch(Hostile.baseObject())
        let text = try p.index(".text"), strtab = try p.index(".strtab")
        p.set(strtab, .offset, p.get(text, .offset) + 1)
        Self.expectError(p.bytes, "overlaps section [\(text)] (bytes ", place: "section [\(strtab)]")
        var q = try ELFPatch(Hostile.baseObject())
        q.set(text, .offset, UInt64(q.shoff + 8))
        Self.expectError(q.bytes, "overlaps the section header table (bytes ", place: "section [\(text)]")
        // The section header table starting inside a section: the table is what is misplaced.
        var r = try ELFPatch(Hostile.baseObject())
        let start = Int(r.get(text, .offset)) + 1
        let table = Array(r.bytes[r.shoff..<(r.shoff + r.shnum * r.layout.sectionHeader.size)])
        r.bytes.replaceSubrange(start..<(start + table.count), with: table)
        r.setHeader(\.shoff, UInt64(start))
        Self.expectError(r.bytes, "overlaps section [\(text)] (bytes ", place: "the section header table")
    }

    @Test func indicesOutOfRange() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let text = try p.index(".text"), relaText = try p.index(".rela.text"), symtab = try p.index(".symtab")
        p.set(text, .link, 200)
        Self.expectError(p.bytes, "sh_link 200 is out of range", place: "'.text'")

        p = try ELFPatch(base)
        p.set(relaText, .info, 200)
        Self.expectError(p.bytes, "sh_info 200 (the section to relocate) is out of range", place: "'.rela.text'")

        p = try ELFPatch(base)
        let f = try p.symbolIndex("f")
        try p.editSymbol(f) { $0.shndx = 300 }
        Self.expectError(p.bytes, "section index 300 is out of range", place: "symbol")

        p = try ELFPatch(base)
        try p.editSymbol(f) { $0.name = 0xffff_fff0 }
        Self.expectError(p.bytes, "past the end of the symbol string table")

        p = try ELFPatch(base)
        p.set(text, .name, 0x7fff_ffff)
        Self.expectError(p.bytes, "past the end of the section name table")

        p = try ELFPatch(base)
        p.editRelocation(in: relaText, 0) { $0.symbol = 5000 }
        Self.expectError(p.bytes, "uses symbol index 5000, past the symbol table")

        p = try ELFPatch(base)
        p.set(symtab, .link, UInt64(text))
        Self.expectError(p.bytes, "which is not a string table")

        p = try ELFPatch(base)
        p.set(relaText, .link, UInt64(text))
        Self.expectError(p.bytes, "which is not the symbol table")
    }

    @Test func entrySizes() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let symtab = try p.index(".symtab"), relaText = try p.index(".rela.text")
        p.set(symtab, .entsize, 0)
        Self.expectError(p.bytes, "symbol table entry size 0, expected 24")
        p = try ELFPatch(base)
        p.set(relaText, .entsize, 0)
        Self.expectError(p.bytes, "relocation entry size 0, expected 24")
        p = try ELFPatch(base)
        p.set(relaText, .entsize, 16)
        Self.expectError(p.bytes, "section type is SHT_RELA but its entries are 16 bytes, the size of Rel entries")
        p = try ELFPatch(base)
        p.set(relaText, .size, p.get(relaText, .size) - 1)
        Self.expectError(p.bytes, "is not a multiple of 24")
        p = try ELFPatch(base)
        p.setHeader(\.shentsize, 40)
        Self.expectError(p.bytes, "section header size 40, expected 64")
    }

    @Test func countsThatWouldNeedTerabytes() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let symtab = try p.index(".symtab"), relaText = try p.index(".rela.text"), bss = try p.index(".bss")
        p.set(symtab, .size, 24 << 40)
        Self.expectError(p.bytes, "run past the end of the file")
        p = try ELFPatch(base)
        p.set(relaText, .size, 24 << 45)
        Self.expectError(p.bytes, "run past the end of the file")
        p = try ELFPatch(base)
        p.setHeader(\.shnum, 0xfeff)
        Self.expectError(p.bytes, "runs past the end of the file")
        // A NOBITS section of a terabyte takes no file space: it reads, converts and writes without allocating it.
        p = try ELFPatch(base)
        p.set(bss, .size, 1 << 40)
        let database = try Hostile.database()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(Hostile.pipeline(p.bytes, database: database) == nil)
        }
        #expect(elapsed < .seconds(5))
    }

    @Test func stringTablesWithoutFinalNUL() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let strtab = try p.index(".strtab")
        let end = Int(p.get(strtab, .offset) + p.get(strtab, .size)) - 1
        #expect(p.bytes[end] == 0)
        p.bytes[end] = UInt8(ascii: "x")
        Self.expectError(p.bytes, "is not NUL-terminated")
        p = try ELFPatch(base)
        let shstrndx = Int(p.header(\.shstrndx))
        let shEnd = Int(p.get(shstrndx, .offset) + p.get(shstrndx, .size)) - 1
        p.bytes[shEnd] = UInt8(ascii: "x")
        Self.expectError(p.bytes, "is not NUL-terminated")
    }

    @Test func sectionNameTableThatIsNotAStringTable() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        p.setHeader(\.shstrndx, UInt64(try p.index(".text")))
        Self.expectError(p.bytes, "is not a string table")
        p = try ELFPatch(base)
        p.setHeader(\.shstrndx, 0)
        Self.expectError(p.bytes, "section name table index 0 is out of range")
        p = try ELFPatch(base)
        p.setHeader(\.shstrndx, 0xffff)
        Self.expectError(p.bytes, "SHN_XINDEX")
    }

    @Test func relocationSectionThatRelocatesItself() throws {
        var p = try ELFPatch(Hostile.baseObject())
        let relaText = try p.index(".rela.text")
        p.set(relaText, .info, UInt64(relaText))
        Self.expectError(p.bytes, "applies to itself")
    }

    @Test func duplicateSymbolTable() throws {
        var p = try ELFPatch(Hostile.baseObject())
        let symtab = try p.index(".symtab"), comment = try p.index(".comment")
        for f in [ELFPatch.Field.type, .link, .entsize] { p.set(comment, f, p.get(symtab, f)) }
        Self.expectError(p.bytes, "a second symbol table")
    }

    @Test func absurdAlignments() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let text = try p.index(".text")
        p.set(text, .align, 1 << 40)
        Self.expectError(p.bytes, "alignment 1099511627776 is larger than")
        p = try ELFPatch(base)
        p.set(text, .align, 24)
        Self.expectError(p.bytes, "alignment 24 is not a power of two")
        p = try ELFPatch(base)
        p.set(text, .align, UInt64.max)
        Self.expectError(p.bytes, "is not a power of two")
    }

    @Test func headerFields() throws {
        let base = try Hostile.baseObject()
        let header = RecordLayout.elf64.fileHeader
        let cases: [(FieldLocation, UInt64, String)] = [
            (FieldLocation(offset: 0, width: 1), 0x7e, "bad magic"),
            (FieldLocation(offset: FileHeaderLayout.identClass, width: 1), 3, "invalid ELF class 3"),
            (FieldLocation(offset: FileHeaderLayout.identData, width: 1), 9, "invalid ELF data encoding 9"),
            (FieldLocation(offset: FileHeaderLayout.identVersion, width: 1), 2, "unsupported ELF version 2"),
            (header.type, 2, "not a relocatable object (e_type 2"),
            (header.phnum, 1, "program headers"), (header.shoff, 0, "section header table"),
        ]
        for (field, value, expected) in cases {
            var p = try ELFPatch(base)
            p.store(0, field, value)
            Self.expectError(p.bytes, expected)
        }
        var p = try ELFPatch(base)
        p.setHeader(\.shnum, 0)
        Self.expectError(p.bytes, "extended section numbering")
        Self.expectError([], "too short")
        Self.expectError(Array(base[..<20]), "too short for an ELF")
    }

    @Test func unsupportedAndMalformedSectionKinds() throws {
        let base = try Hostile.baseObject()
        var p = try ELFPatch(base)
        let comment = try p.index(".comment"), symtab = try p.index(".symtab")
        p.set(comment, .type, UInt64(SectionType.symtabShndx.rawValue))
        Self.expectError(p.bytes, "SHT_SYMTAB_SHNDX")
        // A group whose member index is out of range (the signature symbol is fine).
        p = try ELFPatch(base)
        p.set(comment, .type, UInt64(SectionType.group.rawValue))
        p.set(comment, .link, UInt64(symtab))
        p.set(comment, .info, 1)
        p.set(comment, .size, 8)
        let at = Int(p.get(comment, .offset))
        p.setWord(at, 1)
        p.setWord(at + 4, 999)
        Self.expectError(p.bytes, "group member 1 is section index 999, out of range")
        p.set(comment, .info, 9999)
        Self.expectError(p.bytes, "group signature symbol index 9999 is out of range")
    }

    /// What each input the fuzzers once crashed on (Fixtures/regressions, named <fuzz target>-<what>.bin, replayed
    /// by scripts/fuzz.sh too) must now do. A new regression file needs an entry here: the test fails without one.
    enum RegressionOutcome: Equatable, CustomStringConvertible {
        /// The pipeline rejects the object with an ELFError whose message contains this text.
        case rejected(String)
        /// The object reads, but the conversion plan has errors (no output).
        case conversionFailed
        /// The object converts, and the output reads back.
        case converted
        /// The symbol-table scanner (build-db) rejects the file with an ELFError containing this text.
        case scanRejected(String)

        var description: String {
            switch self {
            case .rejected(let text): return "rejected: \(text)"
            case .conversionFailed: return "conversion failed"
            case .converted: return "converted"
            case .scanRejected(let text): return "scan rejected: \(text)"
            }
        }
    }

    static let regressions: [String: RegressionOutcome] = [
        "scanner-elf32-crash.bin": .scanRejected("symbol 2: offset 256 is past the end of the symbol string table"),
        "elf-null-section-past-end.bin": .rejected("section [5]: contents (offset 116, size 196608) run past the end"),
        "elf-empty-section-offset-past-end.bin":
            .rejected("section [2]: offset 13835058055282164464 of an empty section"),
        "convert-link-to-removed-section.bin": .converted,
        // Its .text lost SHF_ALLOC in the fuzzer's mutation: a klp relocation there would never be applied.
        "convert-link-to-removed-section-2.bin": .conversionFailed,
        "convert-klp-section-uses-annotation-symbol.bin": .conversionFailed,
        "convert-symbol-in-emptied-section.bin": .conversionFailed,
        "convert-symbol-in-removed-relocation-section.bin": .conversionFailed,
    ]

    /// What one regression input does now, in the terms of RegressionOutcome.
    static func outcome(of name: String, _ bytes: [UInt8], database: SymbolDatabase) -> String {
        if name.hasPrefix("scanner-") {
            do {
                let scan = try bytes.withUnsafeBytes { raw throws(ELFError) in
                    try SymbolTableScan(raw: raw, path: name)
                }
                return "scanned: \(scan)"
            } catch {
                return "scan rejected: \(error)"
            }
        }
        switch Hostile.pipeline(bytes, path: name, database: database) {
        case nil: return "converted"
        case let error as ELFError: return "rejected: \(error)"
        case is HostileConversionFailed: return "conversion failed"
        case let error?: return "unexpected \(type(of: error)): \(error)"
        }
    }

    @Test func fuzzRegressionsStayFixed() throws {
        let database = try Hostile.database()
        let folder = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/regressions").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".bin") }.sorted()
        #expect(Set(names) == Set(Self.regressions.keys), "every regression input has an expected outcome")
        for name in names {
            let actual = Self.outcome(of: name, try FileIO.readAll(path: "\(folder)/\(name)"), database: database)
            let expected = try #require(Self.regressions[name], "\(name): no expected outcome")
            switch expected {
            case .rejected(let text), .scanRejected(let text):
                let prefix = expected.description.prefix { $0 != ":" } + ": "
                #expect(
                    actual.hasPrefix(prefix) && actual.contains(text),
                    "\(name): expected \(expected), got \(actual)")
            case .conversionFailed, .converted:
                #expect(actual == expected.description, "\(name): expected \(expected), got \(actual)")
            }
        }
    }
}

/// Layouts no compiler makes, built field by field: names that overlap inside one long unterminated run.
@Suite struct ELFRawLayoutTests {
    /// A 1 MB string table that is one run of 'a', and 40 000 symbols whose names start at different places
    /// in it: decoded naively, that is 40 GB of names from a 2 MB file.
    @Test func overlappingNamesCannotMultiplyMemory() throws {
        let run = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [0]
        let count = 40_000
        let strtab = RawELF.Section(name: ".strtab", type: .strtab, data: run)
        let symtab = RawELF.Section(
            name: ".symtab", type: .symtab, link: 1, info: 1, align: 8, entsize: 24,
            data: RawELF.symbols(count: count) { UInt32($0) })
        let bytes = RawELF.make([strtab, symtab])
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            ELFReaderRejectsTests.expectError(bytes, "string table")
        }
        #expect(elapsed < .seconds(10), "\(elapsed)")
        // The same names all at one offset are one name: that reads, quickly.
        let same = RawELF.Section(
            name: ".symtab", type: .symtab, link: 1, info: 1, align: 8, entsize: 24,
            data: RawELF.symbols(count: count) { _ in 1 })
        let shared = RawELF.make([strtab, same])
        let t = clock.measure {
            #expect((try? ELFObject(bytes: shared, path: "shared.ko"))?.symbols.count == count)
        }
        #expect(t < .seconds(10), "\(t)")
    }

    @Test func rawBuilderMakesAReadableObject() throws {
        let strtab = RawELF.Section(name: ".strtab", type: .strtab, data: Array("\0foo\0".utf8))
        let symtab = RawELF.Section(
            name: ".symtab", type: .symtab, link: 1, info: 1, align: 8, entsize: 24,
            data: RawELF.symbols(count: 1) { _ in 1 })
        let object = try ELFObject(bytes: RawELF.make([strtab, symtab]), path: "raw.ko")
        #expect(object.symbols.map(\.name) == ["foo"])
    }
}

/// Conversion time must grow linearly with the object, whatever its shape.
@Suite struct ELFScalingTests {
    /// `n` function sections, each with its own .rela section holding one relocation to a unique vmlinux
    /// symbol: conversion makes n klp relocation sections.
    static func manySections(_ n: Int) -> [UInt8] {
        var sections: [RawELF.Section] = [
            RawELF.Section(name: ".strtab", type: .strtab, data: [0] + Array("unique_symbol".utf8) + [0]),
            RawELF.Section(
                name: ".symtab", type: .symtab, link: 1, info: 1, align: 8, entsize: 24,
                data: RawELF.symbols(count: 1) { _ in 1 }),
        ]
        for k in 0..<n {
            sections.append(
                RawELF.Section(name: ".text.f\(k)", type: .progbits, flags: 6, data: [UInt8](repeating: 0, count: 8)))
        }
        for k in 0..<n {
            var relocation = RelocationRecord()
            relocation.type = RelocationType.X86_64.pc32
            relocation.symbol = 1
            let r = RawELF.relocations([relocation])
            sections.append(
                RawELF.Section(
                    name: ".rela.text.f\(k)", type: .rela, flags: 0x40, link: 2,
                    info: UInt32(3 + k), align: 8, entsize: 24, data: r))
        }
        return RawELF.make(sections)
    }

    /// Thousands of relocation sections, each needing its own klp section: every one is created once, and the
    /// result reads back. (Planning used to scan all sections per new klp section; the speed of this path is
    /// measured by klp-bench, not by a timed test.)
    @Test func manyRelocationSectionsEachGetTheirKlpSection() throws {
        let n = 2000
        let object = try ELFObject(bytes: Self.manySections(n), path: "many.ko")
        let database = try SymbolDatabase.parse(
            bytes: Array("klp-convert-symbol-data.0.1\n*vmlinux\nunique_symbol\n".utf8), path: "db")
        let (plan, output) = Converter(database: database).convert(object)
        #expect(plan.createdSections.count == n)
        let bytes = try ELFWriter.bytes(of: try #require(output))
        let reread = try ELFObject(bytes: bytes, path: "out")
        #expect(reread.sections.filter { $0.name.hasPrefix(".klp.rela.vmlinux..text.f") }.count == n)
    }
}

/// The database builder's own reader (SymbolTableScan, for vmlinux and distribution modules) on the same layout.
@Suite struct SymbolTableScannerRejectsTests {
    /// 200 symbols named from different places of one 1 MB run without NUL would decode to 200 MB of names from a
    /// 1.2 MB file (40 000 such symbols: 40 GB). Like the editable reader, the scanner refuses past a budget.
    @Test func overlappingNamesStayWithinAMultipleOfTheFile() throws {
        let run = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [0]
        let strtab = RawELF.Section(name: ".strtab", type: .strtab, data: run)
        let symtab = RawELF.Section(
            name: ".symtab", type: .symtab, link: 1, info: 1, align: 8, entsize: 24,
            data: RawELF.symbols(count: 200) { UInt32($0) })
        let bytes = RawELF.make([strtab, symtab])
        let decoded: Int? = bytes.withUnsafeBytes { raw in
            (try? SymbolTableScan(raw: raw, path: "scan.ko"))?.symbols.reduce(0) { $0 + $1.name.utf8.count }
        }
        #expect(
            (decoded ?? 0) <= 16 * bytes.count + (1 << 20), "\(decoded ?? 0) name bytes from a \(bytes.count)-byte file"
        )
        #expect(throws: ELFError.self) {
            try bytes.withUnsafeBytes { raw in _ = try SymbolTableScan(raw: raw, path: "scan.ko") }
        }
    }
}
