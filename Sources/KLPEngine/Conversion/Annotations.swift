// KLP_MODULE_RELOC(object) / KLP_SYMPOS(symbol, pos) annotations: 12-byte records in `.klp.module_relocs.<obj>`,
// each with one absolute relocation at record offset +0 naming the symbol. Records are paired with relocations by
// r_offset (v7 paired them by list order, which breaks when a linker reorders relocations).

public struct Annotation: Sendable, Equatable, Hashable {
    public var object: String
    public var symbol: String
    public var position: Int
    /// Section (or, for the minimal style, symbol) the annotation was read from, for messages.
    public var source: String
    public var recordOffset: UInt64?

    public init(object: String, symbol: String, position: Int, source: String, recordOffset: UInt64? = nil) {
        self.object = object
        self.symbol = symbol
        self.position = position
        self.source = source
        self.recordOffset = recordOffset
    }
}

struct AnnotationScan {
    var annotations: [Annotation] = []
    var diagnostics: [Diagnostic] = []
    /// Annotation sections and their relocation sections.
    var sectionsToRemove: Set<SectionID> = []
    /// Symbols defined in annotation sections (the array symbol, the section symbol).
    var symbolsToRemove: Set<SymbolID> = []
}

enum AnnotationReader {
    static func scan(_ object: ELFObject) -> AnnotationScan {
        var scan = AnnotationScan()
        let annotationSections = object.sections.filter { $0.name.hasPrefix(KLPNames.annotationPrefix) }
        guard !annotationSections.isEmpty else { return scan }
        let ids = Set(annotationSections.map(\.id))
        var relocationSections: [SectionID: [Section]] = [:]
        for s in object.sections where s.isRelocation {
            if let target = s.relocationTarget, ids.contains(target) {
                relocationSections[target, default: []].append(s)
            }
        }
        for section in annotationSections {
            scan.sectionsToRemove.insert(section.id)
            for r in relocationSections[section.id] ?? [] { scan.sectionsToRemove.insert(r.id) }
            read(section, relocationSections: relocationSections[section.id] ?? [], in: object, into: &scan)
        }
        for symbol in object.symbols {
            guard case .section(let id) = symbol.section, scan.sectionsToRemove.contains(id) else { continue }
            if ids.contains(id) {
                scan.symbolsToRemove.insert(symbol.id)
            } else if let section = object.section(id) {
                // Only a corrupt object defines symbols in a relocation section; keeping the symbol would leave
                // it pointing at nothing, dropping it would silently lose its uses.
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "symbol \(symbol.name) is defined in \(section.name), a relocation section of an annotation section, which conversion removes",
                        at: .init(section: section.name, symbol: symbol.name)))
            }
        }
        // The converter drops relocations to removed symbols from ordinary relocation sections, but leaves klp
        // relocation sections (SHF_RELA_LIVEPATCH or a .klp.rela. name) as they are: one that uses an annotation
        // symbol would refer to nothing once that symbol is gone.
        for s in object.sections where s.isKlpRelocationSection && !scan.sectionsToRemove.contains(s.id) {
            for (k, r) in s.relocations.enumerated() {
                guard let id = r.symbol, scan.symbolsToRemove.contains(id) else { continue }
                let name = object.symbol(id).map { $0.name.isEmpty ? "(section symbol)" : $0.name } ?? "?"
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "klp relocation section \(s.name) relocation \(k) uses \(name), a symbol of an annotation section, which conversion removes",
                        at: .init(section: s.name, offset: r.offset)))
            }
        }
        // Other sections that point at a removed section (sh_link, SHF_INFO_LINK) would dangle in the output.
        for s in object.sections where !scan.sectionsToRemove.contains(s.id) {
            for (field, target) in [("sh_link", s.link), ("sh_info", s.infoSection)] {
                guard let target, scan.sectionsToRemove.contains(target), let removed = object.section(target) else {
                    continue
                }
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "section \(s.name) refers (\(field)) to \(removed.name), which conversion removes with the annotations",
                        at: .init(section: s.name)))
            }
        }
        return scan
    }

    private static func read(
        _ section: Section, relocationSections: [Section], in object: ELFObject,
        into scan: inout AnnotationScan
    ) {
        let rawObject = String(section.name.dropFirst(KLPNames.annotationPrefix.count))
        let objectName = KLPNames.normalizeObject(rawObject)
        let place = Diagnostic.Location(section: section.name)
        if let problem = KLPNames.objectNameProblem(objectName) {
            scan.diagnostics.append(Diagnostic(.error, "Invalid KLP_MODULE_RELOC object: \(problem)", at: place))
            return
        }
        guard case .bytes(let data) = section.content else {
            scan.diagnostics.append(Diagnostic(.error, "annotation section \(section.name) has no contents", at: place))
            return
        }
        let recordSize = KLPNames.annotationRecordSize
        guard data.count % recordSize == 0 else {
            scan.diagnostics.append(
                Diagnostic(
                    .error,
                    "annotation section \(section.name) is \(data.count) bytes, not a multiple of the \(recordSize)-byte struct klp_module_reloc (was the patch built with a klp_module_reloc of another size?)",
                    at: place))
            return
        }
        let count = data.count / recordSize
        var symbolForRecord = [String?](repeating: nil, count: count)
        let relocs = relocationSections.flatMap { rs in rs.relocations.map { (rs.name, $0) } }
        for (relSection, r) in relocs {
            let at = Diagnostic.Location(section: relSection, offset: r.offset)
            guard r.offset % UInt64(recordSize) == 0 else {
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "relocation at offset 0x\(String(r.offset, radix: 16)) of \(section.name) does not point at the start of a \(recordSize)-byte record",
                        at: at))
                continue
            }
            let index = Int(r.offset / UInt64(recordSize))
            guard index < count else {
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "section \(relSection) length beyond nr_entries: relocation at offset 0x\(String(r.offset, radix: 16)) but \(section.name) has \(count) records",
                        at: at))
                continue
            }
            guard let id = r.symbol, let symbol = object.symbol(id) else {
                scan.diagnostics.append(
                    Diagnostic(
                        .error, "annotation record \(index) of \(section.name) has a relocation without a symbol",
                        at: at))
                continue
            }
            if let previous = symbolForRecord[index] {
                scan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "annotation record \(index) of \(section.name) has two relocations (\(previous) and \(symbol.name))",
                        at: at))
                continue
            }
            symbolForRecord[index] = symbol.name
        }
        let reader: (Int) -> UInt32 = { offset in
            data.withUnsafeBytes { RawReader($0, order: object.header.byteOrder).u32(offset) }
        }
        var missing = 0
        for index in 0..<count {
            guard let name = symbolForRecord[index] else {
                missing += 1
                continue
            }
            let position = Int(reader(index * recordSize + 8))
            scan.annotations.append(
                Annotation(
                    object: objectName, symbol: name, position: position,
                    source: section.name, recordOffset: UInt64(index * recordSize)))
        }
        if missing > 0 {
            scan.diagnostics.append(
                Diagnostic(
                    .error,
                    "nr_entries mismatch (\(count - missing) != \(count)) for \(section.name): \(missing) record(s) have no relocation naming their symbol",
                    at: place))
        }
    }

    /// Conflicts between annotations: same object and symbol with different positions (v7's check), and the same
    /// symbol annotated for two objects (v7 silently took the first).
    static func conflicts(_ annotations: [Annotation]) -> [Diagnostic] {
        var result: [Diagnostic] = []
        var first: [String: Annotation] = [:]
        var reported: Set<String> = []
        for a in annotations {
            guard let f = first[a.symbol] else {
                first[a.symbol] = a
                continue
            }
            let key = "\(a.symbol)\u{0}\(a.object)\u{0}\(a.position)"
            if f.object == a.object && f.position == a.position { continue }
            if reported.contains(key) { continue }
            reported.insert(key)
            if f.object == a.object {
                result.append(
                    Diagnostic(
                        .error,
                        "Conflicting KLP_SYMPOS definition: \(a.object).\(a.symbol) \(f.position) vs. \(a.position).",
                        at: .init(section: a.source, offset: a.recordOffset, symbol: a.symbol, object: a.object)))
            } else {
                result.append(
                    Diagnostic(
                        .error,
                        "Conflicting KLP_MODULE_RELOC objects for symbol \(a.symbol): \(f.object) (\(f.source)) vs. \(a.object) (\(a.source)); a symbol of the livepatch can refer to one object only",
                        at: .init(section: a.source, offset: a.recordOffset, symbol: a.symbol, object: a.object)))
            }
        }
        return result
    }
}

extension Section {
    /// The section named by sh_info, whatever the section type (relocation target or SHF_INFO_LINK).
    fileprivate var infoSection: SectionID? {
        if case .section(let id) = info { return id }
        return nil
    }
}
