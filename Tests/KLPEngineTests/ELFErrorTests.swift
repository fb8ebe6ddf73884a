import Testing

@testable import KLPEngine

/// ELFError carries its place as data (which section, symbol or relocation, which header field), and its text is
/// the one users saw before it had cases: `path: place: problem`.
@Suite struct ELFErrorTests {
    @Test func descriptionsNameThePlace() {
        let cases: [(ELFError, String)] = [
            (.file(path: "a.ko", message: "not an ELF file (bad magic)"), "a.ko: not an ELF file (bad magic)"),
            (
                .identification(path: "a.ko", byte: 4, message: "invalid ELF class 3"),
                "a.ko: byte 4: invalid ELF class 3"
            ),
            (
                .headerField(path: "a.ko", field: "e_shoff", message: "no section header table"),
                "a.ko: e_shoff: no section header table"
            ),
            (.section(path: "a.ko", index: 3, name: ".text", message: "m"), "a.ko: section [3] '.text': m"),
            (.section(path: "a.ko", index: 3, name: nil, message: "m"), "a.ko: section [3]: m"),
            (.section(path: "a.ko", index: nil, name: ".text", message: "m"), "a.ko: section '.text': m"),
            (.sectionName(path: "a.ko", index: 7, message: "m"), "a.ko: name of section 7: m"),
            (.symbol(path: "a.ko", index: 5, name: "f", message: "m"), "a.ko: symbol 5 'f': m"),
            (.symbol(path: "a.ko", index: 5, name: nil, message: "m"), "a.ko: symbol 5: m"),
            (.symbol(path: "a.ko", index: nil, name: "f", message: "m"), "a.ko: symbol 'f': m"),
            (
                .relocation(path: "a.ko", section: 4, sectionName: ".rela.text", index: 2, offset: 0x1c, message: "m"),
                "a.ko: section [4] '.rela.text': relocation 2 (offset 0x1c) m"
            ),
            (
                .relocation(
                    path: "a.ko", section: nil, sectionName: ".rela.text", index: 2, offset: 0x1c, message: "m"),
                "a.ko: section '.rela.text': relocation 2 (offset 0x1c) m"
            ),
        ]
        for (error, text) in cases {
            #expect(error.description == text)
            #expect(error.path == "a.ko")
        }
    }

    /// A relocation whose symbol index is past the table: the error says which section, which relocation and
    /// at which r_offset, as values.
    @Test func readerErrorsCarryTheirPlace() throws {
        var p = try ELFPatch(Hostile.baseObject())
        let relaText = try p.index(".rela.text")
        let offset = p.object.section(SectionID(relaText))?.relocations.first?.offset
        p.editRelocation(in: relaText, 0) { $0.symbol = 5000 }
        let error = try #require(ELFReaderRejectsTests.expectError(p.bytes, "uses symbol index 5000"))
        guard case .relocation(let path, let section, let name, let index, let at, _) = error else {
            Issue.record("not a relocation error: \(error)")
            return
        }
        #expect(path == "corrupt.ko" && section == relaText && name == ".rela.text" && index == 0 && at == offset)
        #expect(error.description.hasPrefix("corrupt.ko: section [\(relaText)] '.rela.text': relocation 0 (offset 0x"))

        var q = try ELFPatch(Hostile.baseObject())
        let f = try q.symbolIndex("f")
        try q.editSymbol(f) { $0.shndx = 300 }
        let symbolError = try #require(ELFReaderRejectsTests.expectError(q.bytes, "section index 300 is out of range"))
        guard case .symbol(_, let symbolIndex, let symbolName, _) = symbolError else {
            Issue.record("not a symbol error: \(symbolError)")
            return
        }
        #expect(symbolIndex == f && symbolName == "f")
    }

    /// The writer's own checks: a layout whose offsets run backwards, or whose header fields do not fit the
    /// class, is refused instead of written.
    @Test func writerRefusesALayoutItDidNotPlan() throws {
        let object = try ELFObject(bytes: Hostile.baseObject(), path: "lp.ko")
        let layout = try ELFWriter.plan(object)
        #expect(throws: Never.self) { try layout.checkOffsets() }
        let contents = layout.sections.indices.filter {
            layout.sections[$0].type != .nobits && layout.sections[$0].size > 0
        }
        let second = try #require(contents.dropFirst().first)
        var sections = layout.sections
        let s = sections[second]
        sections[second] = ELFLayout.PlannedSection(
            id: s.id, name: s.name, nameOffset: s.nameOffset, type: s.type, flags: s.flags, address: s.address,
            offset: 0, size: s.size, link: s.link, info: s.info, alignment: s.alignment, entrySize: s.entrySize,
            content: s.content, fileSize: s.fileSize)
        let backwards = ELFLayout(
            path: "lp.ko", header: layout.header, sections: sections, shstrndx: layout.shstrndx,
            sectionHeaderOffset: layout.sectionHeaderOffset, totalSize: layout.totalSize)
        #expect(throws: ELFError.self) { try backwards.checkOffsets() }

        // An ELF32 header cannot hold a 64-bit section size: the headers read back differ from the plan.
        var header = layout.header
        header.elfClass = .elf32
        let first = sections[0]
        sections = layout.sections
        sections[0] = ELFLayout.PlannedSection(
            id: first.id, name: first.name, nameOffset: first.nameOffset, type: first.type, flags: first.flags,
            address: 1 << 40, offset: first.offset, size: first.size, link: first.link, info: first.info,
            alignment: first.alignment, entrySize: first.entrySize, content: first.content,
            fileSize: first.fileSize)
        let tooWide = ELFLayout(
            path: "lp.ko", header: header, sections: sections, shstrndx: layout.shstrndx,
            sectionHeaderOffset: layout.sectionHeaderOffset,
            totalSize: layout.sectionHeaderOffset + 40 * (sections.count + 1))
        #expect(throws: ELFError.self) { _ = try tooWide.bytes() }
    }
}
