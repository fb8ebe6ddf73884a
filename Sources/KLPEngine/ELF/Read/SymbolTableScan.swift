/// The symbols-only entry point into the one reader: the section headers and `.symtab` of any ELF file (vmlinux
/// is ET_EXEC, modules are ET_REL, any class and byte order), for the database builder.
///
/// Why not `ELFObject`: the editable model refuses linked files, and the builder reads thousands of modules whose
/// relocations it never needs. This decodes only what kallsyms depends on, with the same checks of every offset
/// and name as the editable reader.
public struct SymbolTableScan: Sendable {
    public struct SectionHeader: Sendable {
        public var name: String
        public var type: SectionType
        public var flags: SectionFlags
        public var offset: UInt64
        public var size: UInt64
    }

    public struct Entry: Sendable {
        public var name: String
        public var binding: SymbolBinding
        public var type: SymbolType
        public var shndx: SectionIndex
        public var value: UInt64
    }

    public let path: String
    public let fileType: ELFFileType
    /// All section headers, index 0 (the null section) included, so `sections[shndx]` is the ELF meaning.
    public let sections: [SectionHeader]
    /// Symbol table entries 1..<count in table order (the null entry is left out).
    public let symbols: [Entry]
    /// A copy of the `.modinfo` contents, when the file has them (debug-only module files have NOBITS there).
    public let modinfo: [UInt8]?

    public func sectionIndex(named name: String) -> Int? { Self.sectionIndex(named: name, in: sections) }

    /// Only the section headers, with the same checks, without decoding the symbol table (a debug vmlinux has
    /// ~150,000 symbols): for a file whose notes are wanted, such as the build ID of a debug vmlinux.
    public static func sectionHeaders(raw: UnsafeRawBufferPointer, path: String) throws(ELFError) -> [SectionHeader] {
        headers(of: try ELFFileReader(raw: raw, path: path, purpose: .symbolScan))
    }

    private static func headers(of file: ELFFileReader) -> [SectionHeader] {
        zip(file.sections, file.names).map { h, name in
            SectionHeader(name: name, type: h.type, flags: h.flags, offset: h.offset, size: h.size)
        }
    }

    /// Section 0 is the null header, never a named section.
    private static func sectionIndex(named name: String, in sections: [SectionHeader]) -> Int? {
        sections.indices.dropFirst().first { sections[$0].name == name }
    }

    /// Scans the file's bytes; nothing of `raw` is kept, so it may be a mapping that is unmapped afterwards.
    public init(raw: UnsafeRawBufferPointer, path: String) throws(ELFError) {
        let file = try ELFFileReader(raw: raw, path: path, purpose: .symbolScan)
        self.path = path
        fileType = file.header.type
        sections = Self.headers(of: file)
        // Section 0 is the null header: its contents were never bounds-checked, so it cannot be the table.
        guard let symtab = file.sections.indices.dropFirst().first(where: { file.sections[$0].type == .symtab }) else {
            throw .file(
                path: path,
                message:
                    "no symbol table (.symtab): the file is stripped, so its symbols cannot be listed")
        }
        let strings = try file.checkSymbolTable(symtab)
        var symbols: [Entry] = []
        symbols.reserveCapacity(max(file.symbolCount(of: symtab) - 1, 0))
        try file.forEachSymbol(of: symtab, strings: strings) { _, record, name in
            symbols.append(
                Entry(
                    name: name, binding: record.binding, type: record.type, shndx: record.shndx,
                    value: record.value))
        }
        self.symbols = symbols
        let info = Self.sectionIndex(named: ".modinfo", in: sections)
        if let info, file.sections[info].type != .nobits, file.sections[info].size > 0 {
            // In bounds: the reader checked every section's contents against the file size.
            modinfo = Array(file.contents(file.sections[info]))
        } else {
            modinfo = nil
        }
    }
}
