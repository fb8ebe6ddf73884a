@testable import KLPEngine

// libFuzzer target: annotation decoding (`.klp.module_relocs.<obj>` records paired with their relocations by
// r_offset). The input is split into fields that build a small object in memory: the section name suffix, the
// record bytes, relocations (offset, symbol index) and symbol names, so the fuzzer explores the decoder rather
// than the ELF container. Diagnostics are fine; traps are findings.

private struct Cursor {
    var bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }
    mutating func take(_ n: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, at + n)
        defer { at = end }
        return ArraySlice(bytes[at..<end])
    }
    mutating func u64() -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(byte()) << (8 * UInt64(k)) }
        return v
    }
    mutating func string() -> String { String(decoding: take(Int(byte() % 24)), as: UTF8.self) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnnotations(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var c = Cursor(bytes: UnsafeBufferPointer(start: data, count: size))
    let elfClass: ELFClass = c.byte() & 1 == 0 ? .elf64 : .elf32
    let header = ELFHeader(
        elfClass: elfClass, byteOrder: c.byte() & 1 == 0 ? .little : .big,
        osABI: 0, abiVersion: 0, type: .rel, machine: .x86_64, version: 1, entry: 0, flags: 0)
    var object = ELFObject(
        path: "fuzz.ko", header: header, sections: [], symbols: [], symbolTable: nil,
        sectionNameTable: nil)
    let shstr = object.appendSection(
        name: ".shstrtab", type: SectionType.strtab, flags: 0, alignment: 1, entrySize: 0,
        link: nil, info: .raw(0), content: .stringTable([0]))
    object.sectionNameTable = shstr
    let strtab = object.appendSection(
        name: ".strtab", type: SectionType.strtab, flags: 0, alignment: 1, entrySize: 0,
        link: nil, info: .raw(0), content: .stringTable([0]))
    let symtab = object.appendSection(
        name: ".symtab", type: SectionType.symtab, flags: 0, alignment: 8, entrySize: UInt64(elfClass.symbolSize),
        link: strtab, info: .firstNonLocal, content: .symbolTable)
    object.symbolTable = symtab
    let text = object.appendSection(
        name: ".text", type: SectionType.progbits, flags: SectionFlags.alloc, alignment: 16,
        entrySize: 0, link: nil, info: .raw(0), content: .bytes(ArraySlice(repeating: 0, count: 64)))
    let annotation = object.appendSection(
        name: KLPNames.annotationPrefix + c.string(), type: SectionType.progbits, flags: SectionFlags.alloc,
        alignment: 4,
        entrySize: 0, link: nil, info: .raw(0), content: .bytes(c.take(Int(c.byte()))))
    var symbols: [SymbolID] = []
    for _ in 0..<Int(c.byte() % 8) {
        let defined = c.byte() & 1 == 1
        symbols.append(
            object.appendSymbol(
                name: c.string(), binding: .global, type: .notype,
                section: defined ? .section(annotation) : .undefined))
    }
    var annotationRelocs: [Relocation] = []
    var textRelocs: [Relocation] = []
    for _ in 0..<Int(c.byte() % 16) {
        let selector = Int(c.byte())
        let symbol = symbols.isEmpty || selector == 255 ? nil : symbols[selector % symbols.count]
        let r = Relocation(offset: c.u64() % 512, symbol: symbol, type: 1, addend: 0)
        if c.byte() & 1 == 0 { annotationRelocs.append(r) } else { textRelocs.append(r) }
    }
    object.appendSection(
        name: ".rela" + (object.section(annotation)?.name ?? ""), type: SectionType.rela, flags: 0,
        alignment: 8, entrySize: UInt64(elfClass.relocationSize(rela: true)), link: symtab, info: .section(annotation),
        content: .relocations(annotationRelocs, rela: true))
    object.appendSection(
        name: ".rela.text", type: SectionType.rela, flags: 0, alignment: 8,
        entrySize: UInt64(elfClass.relocationSize(rela: true)), link: symtab,
        info: .section(text), content: .relocations(textRelocs, rela: true))

    let scan = AnnotationReader.scan(object)
    _ = AnnotationReader.conflicts(scan.annotations)
    for a in scan.annotations {
        guard a.source == object.section(annotation)?.name, let offset = a.recordOffset,
            offset % UInt64(KLPNames.annotationRecordSize) == 0
        else { fatalError("annotation without a record: \(a)") }
    }
    let (plan, output) = Converter(database: FuzzFixtures.database).convert(object)
    _ = CSnippet.snippet(for: plan, includeAutomatic: true)
    if let output {
        guard let bytes = try? ELFWriter.bytes(of: output), (try? ELFObject(bytes: bytes, path: "out.ko")) != nil else {
            fatalError("a successful conversion produced an object that does not write or read back")
        }
    }
    return 0
}
