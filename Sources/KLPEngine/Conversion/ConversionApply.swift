extension Converter {
    /// Carries out a plan made for `object` by `plan(_:)`: moves relocations into `.klp.rela.<obj>.<base>`
    /// sections, renames their symbols in place to `.klp.sym.<obj>.<name>,<pos>` with SHN_LIVEPATCH, and removes
    /// the annotation sections, their symbols and every relocation to those symbols. Symbol indices of the other
    /// symbols do not change; section indices are remapped by the writer.
    public static func apply(_ plan: ConversionPlan, to input: ELFObject) -> ELFObject {
        var object = input
        let c = object.header.elfClass

        // Relocations leaving each section, and the klp sections' new contents, in file order.
        var leaving: [SectionID: Set<Int>] = plan.droppedRelocations
        var klpContents = [[Relocation]](repeating: [], count: plan.createdSections.count)
        for move in plan.moves {
            leaving[move.relocationSection, default: []].insert(move.index)
            if let section = input.section(move.relocationSection) {
                klpContents[move.klpSection].append(section.relocations[move.index])
            }
        }
        for (id, indices) in leaving where !indices.isEmpty {
            object.updateSection(id) { section in
                guard case .relocations(let relocs, let rela) = section.content else { return }
                var kept: [Relocation] = []
                kept.reserveCapacity(relocs.count - indices.count)
                for (k, r) in relocs.enumerated() where !indices.contains(k) { kept.append(r) }
                section.content = .relocations(kept, rela: rela)
            }
        }
        // A relocation section emptied by the conversion goes (v7 kept it; readelf --enable-checks warns about
        // zero-sized relocation sections). Sections that were empty in the input stay as they were.
        // Kept when something still refers to it: another section's sh_link or sh_info, or a symbol defined in it.
        var referenced: Set<SectionID> = []
        for s in object.sections {
            if let l = s.link { referenced.insert(l) }
            if case .section(let id) = s.info { referenced.insert(id) }
        }
        for symbol in object.symbols where !plan.symbolsToRemove.contains(symbol.id) {
            if case .section(let id) = symbol.section { referenced.insert(id) }
        }
        var emptied: Set<SectionID> = []
        for (id, indices) in leaving where !indices.isEmpty && !referenced.contains(id) {
            if let s = object.section(id), s.relocations.isEmpty { emptied.insert(id) }
        }
        object.removeSections(emptied)

        for (i, planned) in plan.createdSections.enumerated() {
            let base = plan.klpSectionBases[i]
            if planned.exists,
                let existing = object.sections.first(where: { $0.name == planned.name && $0.relocationTarget == base })
            {
                object.updateSection(existing.id) { s in
                    s.content = .relocations(s.relocations + klpContents[i], rela: true)
                }
                continue
            }
            object.appendSection(
                name: planned.name, type: .rela,
                flags: [.alloc, .infoLink, .relaLivepatch],
                alignment: UInt64(c.wordSize), entrySize: UInt64(c.relocationSize(rela: true)),
                link: object.symbolTable, info: .section(base), content: .relocations(klpContents[i], rela: true))
        }

        for entry in plan.symbols where entry.status.converts {
            guard let newName = entry.newName else { continue }
            object.updateSymbol(entry.id) { s in
                s.name = newName
                s.section = .livepatch
            }
        }

        object.removeSections(plan.sectionsToRemove)
        object.removeSymbols(plan.symbolsToRemove)
        return object
    }
}
