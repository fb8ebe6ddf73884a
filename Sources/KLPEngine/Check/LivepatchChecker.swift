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
        checkModinfo(object, &out)
        checkSymbols(object, &out)
        for section in object.sections {
            let named = section.name.hasPrefix(KLPNames.relaPrefix)
            let flagged = section.flags.contains(.relaLivepatch)
            if section.name.hasPrefix(".klp.arch.") {
                out.append(Diagnostic(.error, "section \(section.name): .klp.arch sections were removed from the kernel and are never applied", at: .init(section: section.name)))
            }
            if section.name.hasPrefix(KLPNames.annotationPrefix) {
                out.append(Diagnostic(.error, "section \(section.name): KLP_MODULE_RELOC annotations are still present: the module was not converted", at: .init(section: section.name)))
            }
            if named || flagged {
                checkKlpSection(section, named: named, flagged: flagged, in: object, &out)
            } else if section.isRelocation {
                checkOrdinarySection(section, in: object, &out)
            }
        }
        return out
    }

    private func checkModinfo(_ object: ELFObject, _ out: inout [Diagnostic]) {
        guard let modinfo = object.section(named: ".modinfo"), case .bytes(let data) = modinfo.content else {
            out.append(Diagnostic(.note, "no .modinfo section: cannot check MODULE_INFO(livepatch, \"Y\") (an object before modpost?)"))
            return
        }
        let entries = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        if !entries.contains("livepatch=Y") {
            out.append(Diagnostic(.error, "module is not marked as a livepatch module: .modinfo has no livepatch=Y (MODULE_INFO(livepatch, \"Y\")); klp_enable_patch() refuses it", at: .init(section: ".modinfo")))
        }
    }

    /// Names modpost recorded in `__versions` (struct modversion_info: a word-sized CRC, then the name in the
    /// rest of a 64-byte record): every exported symbol the module uses, when the kernel has CONFIG_MODVERSIONS.
    static func versionedNames(_ object: ELFObject) -> Set<String>? {
        guard let versions = object.section(named: "__versions"), case .bytes(let data) = versions.content,
              data.count % 64 == 0 else { return nil }
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
                    out.append(Diagnostic(.error, "symbol \(symbol.name) has an incorrectly formatted name (expected .klp.sym.<object>.<name>,<position>)", at: at))
                    continue
                }
                if let problem = KLPNames.objectNameProblem(parsed.object) {
                    out.append(Diagnostic(.error, "symbol \(symbol.name): \(problem)", at: at))
                }
                if let database {
                    switch PositionValidator(database: database).validate(object: parsed.object, name: parsed.name, position: parsed.position, location: at) {
                    case .valid(_, let note):
                        if let note { out.append(Diagnostic(.note, note, at: at)) }
                    case .invalid(let d):
                        out.append(Diagnostic(.error, "symbol \(symbol.name): the kernel will not find it: \(d.message)", at: at, detail: d.detail))
                    }
                }
            } else if symbol.name.hasPrefix(KLPNames.symbolPrefix) {
                out.append(Diagnostic(.error, "symbol \(symbol.name) has a klp name but is not marked SHN_LIVEPATCH (0xff20)", at: at))
            } else if symbol.isUndefined && !symbol.isWeak && !symbol.name.isEmpty && symbol.name != ".TOC." {
                if let database {
                    if !database.isExported(symbol.name) {
                        out.append(Diagnostic(.error, "undefined symbol \(symbol.name) is not exported: the kernel will refuse the module (Unknown symbol \(symbol.name))", at: at))
                    }
                } else if let versioned, !versioned.contains(symbol.name) {
                    out.append(Diagnostic(.error, "undefined symbol \(symbol.name) is not in __versions, so modpost found no export for it: the kernel will refuse the module (Unknown symbol \(symbol.name)); was the module converted?", at: at))
                } else if symbol.name.hasPrefix(KLPNames.minimalPrefix) {
                    out.append(Diagnostic(.error, "undefined symbol \(symbol.name): a minimal-version annotation that was not converted", at: at))
                }
            }
        }
    }

    private func checkKlpSection(_ section: Section, named: Bool, flagged: Bool, in elf: ELFObject,
                                 _ out: inout [Diagnostic]) {
        let at = Diagnostic.Location(section: section.name)
        if named && !flagged {
            out.append(Diagnostic(.error, "section \(section.name) lacks SHF_RELA_LIVEPATCH (0x100000): the module loader applies it as an ordinary relocation section with unresolved (zero) symbol values", at: at))
        }
        let object: String? = KLPNames.parseRelocationSectionObject(section.name)
        if flagged && object == nil {
            out.append(Diagnostic(.error, "section \(section.name) has an incorrectly formatted name (expected .klp.rela.<object>.<section>)", at: at))
        }
        if section.type != .rela {
            out.append(Diagnostic(.error, "section \(section.name) is not SHT_RELA (type \(section.type))", at: at))
        }
        if !section.flags.contains(.alloc) {
            out.append(Diagnostic(.error, "section \(section.name) lacks SHF_ALLOC: the loader does not keep it, so the livepatch core cannot apply it", at: at))
        }
        if section.link != elf.symbolTable {
            out.append(Diagnostic(.error, "section \(section.name): sh_link is not the symbol table", at: at))
        }
        guard let target = section.relocationTarget, let base = elf.section(target) else {
            out.append(Diagnostic(.error, "section \(section.name): sh_info does not name the section to relocate", at: at))
            return
        }
        if !base.flags.contains(.alloc) {
            out.append(Diagnostic(.warning, "section \(section.name) relocates \(base.name), which is not SHF_ALLOC: the kernel never applies it", at: at))
        }
        if let object, object != "vmlinux", base.name == "__jump_table" {
            out.append(Diagnostic(.error, "section \(section.name): module static keys in __jump_table are applied after jump labels are initialised; use static_key_enabled()", at: at))
        }
        for (k, r) in section.relocations.enumerated() {
            let place = Diagnostic.Location(section: base.name, offset: r.offset)
            guard let id = r.symbol, let symbol = elf.symbol(id) else {
                out.append(Diagnostic(.error, "section \(section.name) relocation \(k) has no symbol", at: place))
                continue
            }
            guard symbol.section == .livepatch else {
                out.append(Diagnostic(.error, "symbol \(symbol.name) at rela sec \(section.name) idx \(k) is not marked as a livepatch symbol", at: place))
                continue
            }
            guard let parsed = KLPNames.parseSymbol(symbol.name) else { continue }  // reported with the symbols
            if let object, object != "vmlinux", parsed.object == "vmlinux" {
                out.append(Diagnostic(.error, "invalid access to vmlinux symbol '\(parsed.name)' from module-specific livepatch relocation section \(section.name)", at: place))
            }
        }
    }

    /// Ordinary relocation sections must not use SHN_LIVEPATCH symbols: the loader would apply them with value 0.
    private func checkOrdinarySection(_ section: Section, in elf: ELFObject, _ out: inout [Diagnostic]) {
        guard let target = section.relocationTarget, let base = elf.section(target),
              base.flags.contains(.alloc) else { return }
        for r in section.relocations {
            guard let id = r.symbol, let symbol = elf.symbol(id), symbol.section == .livepatch else { continue }
            out.append(Diagnostic(.error, "ordinary relocation section \(section.name) uses livepatch symbol \(symbol.name): the module loader would apply it with the unresolved value 0", at: .init(section: base.name, offset: r.offset)))
        }
    }
}
