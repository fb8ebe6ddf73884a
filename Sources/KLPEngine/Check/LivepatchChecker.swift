// Checks a converted livepatch against the rules of the kernel's module loader and livepatch core (reference
// §5). Several of these the kernel does not check at load time: it loads the module and oopses later, so this
// is the place to catch them.

public struct LivepatchChecker: Sendable {
    public let database: SymbolDatabase?

    public init(database: SymbolDatabase? = nil) {
        self.database = database
    }

    public func check(_ object: ELFObject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        checkSignature(object, &out)
        checkModinfo(object, &out)
        checkSymbols(object, &out)
        // The klp_func entries (DECISIONS 8): their own file, PatchedFunctions/.
        if let database { out += PatchedFunctionChecker(database: database).check(object).diagnostics }
        let uses = RelocatedOffsets(object)
        for section in object.sections {
            let named = section.name.hasPrefix(KLPNames.relaPrefix)
            let flagged = section.flags.contains(.relaLivepatch)
            if section.name.hasPrefix(".klp.arch.") {
                out.append(
                    Diagnostic(
                        .error,
                        "section \(section.name): .klp.arch sections were removed from the kernel and are never applied",
                        at: .init(section: section.name)))
            }
            if section.name.hasPrefix(KLPNames.annotationPrefix) {
                out.append(
                    Diagnostic(
                        .error,
                        "section \(section.name): KLP_MODULE_RELOC annotations are still present: the module was not converted",
                        at: .init(section: section.name)))
            }
            if named || flagged {
                checkKlpSection(section, named: named, flagged: flagged, in: object, uses: uses, &out)
            } else if section.isRelocation {
                checkOrdinarySection(section, in: object, &out)
            }
        }
        return out
    }

    /// A signature appended to a converted module is fine if it was made after the conversion; the checker
    /// cannot verify it, but says the module is signed, since converting it again would drop the signature.
    private func checkSignature(_ object: ELFObject, _ out: inout [Diagnostic]) {
        guard let bytes = object.inputBytes, let found = ModuleSignature.find(in: bytes) else { return }
        switch found {
        case .success(let signature):
            out.append(
                Diagnostic(
                    .note,
                    "module is signed (\(signature.signatureLength)-byte signature appended; "
                        + "not verified here)"))
        case .failure(let problem):
            out.append(
                Diagnostic(
                    .error, "module \(problem): the kernel refuses a module whose signature it cannot parse"))
        }
    }

    /// Whether `.modinfo` has `livepatch=Y` (MODULE_INFO(livepatch, "Y")); nil when there is no `.modinfo` to say.
    static func marksLivepatch(_ object: ELFObject) -> Bool? {
        guard let modinfo = object.section(named: ".modinfo"), case .bytes(let data) = modinfo.content else {
            return nil
        }
        return data.split(separator: 0).contains { $0.elementsEqual("livepatch=Y".utf8) }
    }

    private func checkModinfo(_ object: ELFObject, _ out: inout [Diagnostic]) {
        guard let marked = Self.marksLivepatch(object) else {
            out.append(
                Diagnostic(
                    .note, "no .modinfo section: cannot check MODULE_INFO(livepatch, \"Y\") (an object before modpost?)"
                ))
            return
        }
        if !marked {
            out.append(
                Diagnostic(
                    .error,
                    "module is not marked as a livepatch module: .modinfo has no livepatch=Y (MODULE_INFO(livepatch, \"Y\")); klp_enable_patch() refuses it",
                    at: .init(section: ".modinfo")))
        }
    }

    /// Names modpost recorded in `__versions` (struct modversion_info: a word-sized CRC, then the name in the
    /// rest of a 64-byte record): every exported symbol the module uses, when the kernel has CONFIG_MODVERSIONS.
    static func versionedNames(_ object: ELFObject) -> Set<String>? {
        guard let versions = object.section(named: "__versions"), case .bytes(let data) = versions.content,
            data.count % 64 == 0
        else { return nil }
        let word = object.header.elfClass.wordSize
        var names = Set<String>()
        var start = data.startIndex
        while start + 64 <= data.endIndex {
            let field = data[(start + word)..<(start + 64)]
            names.insert(String(decoding: field.prefix { $0 != 0 }, as: UTF8.self))
            start += 64
        }
        return names
    }

    private func checkSymbols(_ object: ELFObject, _ out: inout [Diagnostic]) {
        let versioned = database == nil ? Self.versionedNames(object) : nil
        for symbol in object.symbols {
            let at = Diagnostic.Location(symbol: symbol.name)
            if symbol.section == .livepatch {
                guard let parsed = KLPNames.parseSymbol(symbol.name) else {
                    out.append(
                        Diagnostic(
                            .error,
                            "symbol \(symbol.name) has an incorrectly formatted name (expected .klp.sym.<object>.<name>,<position>)",
                            at: at))
                    continue
                }
                if let problem = KLPNames.objectNameProblem(parsed.object) {
                    out.append(Diagnostic(.error, "symbol \(symbol.name): \(problem)", at: at))
                }
                if let database {
                    switch PositionValidator(database: database).validateLivepatchSymbol(
                        symbol.name, parsed, location: at)
                    {
                    case .valid(_, let note):
                        if let note { out.append(Diagnostic(.note, note, at: at)) }
                    case .invalid(let d):
                        out.append(d)
                    }
                }
            } else if symbol.name.hasPrefix(KLPNames.symbolPrefix) {
                out.append(
                    Diagnostic(
                        .error, "symbol \(symbol.name) has a klp name but is not marked SHN_LIVEPATCH (0xff20)", at: at)
                )
            } else if symbol.isUndefined && !symbol.isWeak && !symbol.name.isEmpty && symbol.name != ".TOC." {
                if let database {
                    if !database.isExported(symbol.name) {
                        out.append(
                            Diagnostic(
                                .error,
                                "undefined symbol \(symbol.name) is not exported: the kernel will refuse the module (Unknown symbol \(symbol.name))",
                                at: at))
                    }
                } else if let versioned, !versioned.contains(symbol.name) {
                    out.append(
                        Diagnostic(
                            .error,
                            "undefined symbol \(symbol.name) is not in __versions, so modpost found no export for it: the kernel will refuse the module (Unknown symbol \(symbol.name)); was the module converted?",
                            at: at))
                } else if symbol.name.hasPrefix(KLPNames.minimalPrefix) {
                    out.append(
                        Diagnostic(
                            .error,
                            "undefined symbol \(symbol.name): a minimal-version annotation that was not converted",
                            at: at))
                }
            }
        }
    }

    private func checkKlpSection(
        _ section: Section, named: Bool, flagged: Bool, in elf: ELFObject,
        uses: RelocatedOffsets, _ out: inout [Diagnostic]
    ) {
        let at = Diagnostic.Location(section: section.name)
        if named && !flagged {
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name) lacks SHF_RELA_LIVEPATCH (0x100000): the module loader applies it as an ordinary relocation section with unresolved (zero) symbol values",
                    at: at))
        }
        let object: String? = KLPNames.parseRelocationSectionObject(section.name)
        if flagged && object == nil {
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name) has an incorrectly formatted name (expected .klp.rela.<object>.<section>)",
                    at: at))
        }
        if section.type != .rela {
            out.append(Diagnostic(.error, "section \(section.name) is not SHT_RELA (type \(section.type))", at: at))
        }
        if !section.flags.contains(.alloc) {
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name) lacks SHF_ALLOC: the loader does not keep it, so the livepatch core cannot apply it",
                    at: at))
        }
        if section.link != elf.symbolTable {
            out.append(Diagnostic(.error, "section \(section.name): sh_link is not the symbol table", at: at))
        }
        guard let target = section.relocationTarget, let base = elf.section(target) else {
            out.append(
                Diagnostic(.error, "section \(section.name): sh_info does not name the section to relocate", at: at))
            return
        }
        if !base.flags.contains(.alloc) {
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name) relocates \(base.name), which is not SHF_ALLOC: "
                        + "the kernel never applies it", at: at))
        }
        // The livepatch core finds the section to patch by sh_info alone; a name naming another section means
        // the relocations are applied somewhere the name does not say.
        if let object, section.name != KLPNames.relocationSection(object: object, base: base.name) {
            let named = String(section.name.dropFirst(KLPNames.relaPrefix.count + object.count + 1))
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name) names section \(named), but its sh_info is "
                        + "\(base.name): the kernel applies its relocations to \(base.name)", at: at))
        }
        var reportedOffsets: Set<UInt64> = []
        if let object, object != "vmlinux", base.name == "__jump_table" {
            out.append(
                Diagnostic(
                    .error,
                    "section \(section.name): module static keys in __jump_table are applied after jump labels are initialised; use static_key_enabled()",
                    at: at))
        }
        for (k, r) in section.relocations.enumerated() {
            let place = Diagnostic.Location(section: base.name, offset: r.offset)
            let width = RelocatedOffsets.width(of: r.type, machine: elf.header.machine)
            if r.offset > base.size || base.size - r.offset < width {
                out.append(
                    Diagnostic(
                        .error,
                        "section \(section.name) relocation \(k) at offset "
                            + "0x\(String(r.offset, radix: 16)) is outside \(base.name) (\(base.size) bytes): the kernel "
                            + "would write past the section", at: place))
            } else if uses.count(base: target, offset: r.offset) > 1 && reportedOffsets.insert(r.offset).inserted {
                out.append(
                    Diagnostic(
                        .error,
                        "section \(section.name) relocation \(k): "
                            + "\(base.name)+0x\(String(r.offset, radix: 16)) is relocated twice; x86's loader refuses the "
                            + "second (\"existing value is nonzero\"), others add both", at: place))
            }
            guard let id = r.symbol, let symbol = elf.symbol(id) else {
                out.append(Diagnostic(.error, "section \(section.name) relocation \(k) has no symbol", at: place))
                continue
            }
            guard symbol.section == .livepatch else {
                out.append(
                    Diagnostic(
                        .error,
                        "symbol \(Self.displayName(symbol, in: elf)) at rela sec "
                            + "\(section.name) idx \(k) is not marked as a livepatch symbol", at: place))
                continue
            }
            guard let parsed = KLPNames.parseSymbol(symbol.name) else { continue }  // reported with the symbols
            if let object, object != "vmlinux", parsed.object == "vmlinux" {
                out.append(
                    Diagnostic(
                        .error,
                        "invalid access to vmlinux symbol '\(parsed.name)' from module-specific livepatch relocation section \(section.name)",
                        at: place))
            }
        }
    }

    /// Ordinary relocation sections must not use SHN_LIVEPATCH symbols: the loader would apply them with value 0.
    private func checkOrdinarySection(_ section: Section, in elf: ELFObject, _ out: inout [Diagnostic]) {
        guard let target = section.relocationTarget, let base = elf.section(target),
            base.flags.contains(.alloc)
        else { return }
        for r in section.relocations {
            guard let id = r.symbol, let symbol = elf.symbol(id), symbol.section == .livepatch else { continue }
            out.append(
                Diagnostic(
                    .error,
                    "ordinary relocation section \(section.name) uses livepatch symbol \(symbol.name): the module loader would apply it with the unresolved value 0",
                    at: .init(section: base.name, offset: r.offset)))
        }
    }
}

extension LivepatchChecker {
    /// A section symbol has no name: name its section instead.
    static func displayName(_ symbol: Symbol, in elf: ELFObject) -> String {
        guard symbol.name.isEmpty else { return symbol.name }
        if case .section(let id) = symbol.section, let section = elf.section(id) {
            return "(section symbol of \(section.name))"
        }
        return "(unnamed symbol \(symbol.id.rawValue))"
    }
}

/// How many relocations (ordinary or klp) patch each offset of each section, for the sections klp
/// relocation sections target: the kernel applies every one of them to the same bytes.
struct RelocatedOffsets {
    private var counts: [SectionID: [UInt64: Int]] = [:]

    init(_ elf: ELFObject) {
        let klpTargets = Set(
            elf.sections.compactMap { s in s.isKlpRelocationSection ? s.relocationTarget : nil })
        guard !klpTargets.isEmpty else { return }
        for s in elf.sections where s.isRelocation {
            guard let target = s.relocationTarget, klpTargets.contains(target) else { continue }
            for r in s.relocations { counts[target, default: [:]][r.offset, default: 0] += 1 }
        }
    }

    func count(base: SectionID, offset: UInt64) -> Int { counts[base]?[offset] ?? 0 }

    /// Bytes a relocation writes, where known (x86_64's types; for others, at least one byte).
    static func width(of type: RelocationType, machine: Machine) -> UInt64 {
        typealias X = RelocationType.X86_64
        guard machine == .x86_64 else { return 1 }
        if type == X.r64 || type == X.pc64 { return 8 }
        let fourBytes = [X.pc32, X.plt32, X.got32, X.gotpcrel, X.r32, X.r32s, X.gotpcrelx, X.rexGotpcrelx]
        return fourBytes.contains(type) ? 4 : 1
    }
}
