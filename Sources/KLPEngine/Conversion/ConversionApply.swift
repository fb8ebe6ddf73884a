extension Converter {
    /// Carries out a plan made for `object` by `plan(_:)`: moves relocations into `.klp.rela.<obj>.<base>`
    /// sections, renames their symbols in place to `.klp.sym.<obj>.<name>,<pos>` with SHN_LIVEPATCH, and removes
    /// the annotation sections, their symbols and every relocation to those symbols. Symbol indices of the other
    /// symbols do not change; section indices are remapped by the writer.
    public static func apply(_ plan: ConversionPlan, to input: ELFObject) -> ELFObject {
        var object = input
        let c = object.header.elfClass

        // Relocations leaving each section, and the klp sections' new contents, in file order. The moves of one
        // section are consecutive, so each section is looked up once per run of moves, not once per relocation.
        var leaving: [SectionID: [Int]] = plan.droppedRelocations
        var klpContents = plan.createdSections.map { planned -> [Relocation] in
            var contents: [Relocation] = []
            contents.reserveCapacity(planned.relocationCount)
            return contents
        }
        // Tables are read in place (RelocationTableReader): those still encoded as read are decoded record by
        // record into the lists they become, never whole (the others stay encoded: see EncodedRelocations).
        var next = plan.moves.startIndex
        while next < plan.moves.endIndex {
            let id = plan.moves[next].relocationSection
            var indices = leaving.removeValue(forKey: id) ?? []
            RelocationTableReader.read(input.section(id)?.content ?? .relocations([], rela: true)) { relocations in
                while next < plan.moves.endIndex && plan.moves[next].relocationSection == id {
                    let move = plan.moves[next]
                    if move.index >= 0 && move.index < relocations.count {
                        klpContents[move.klpSection].append(relocations.relocation(move.index))
                    }
                    indices.append(move.index)
                    next += 1
                }
            }
            leaving[id] = indices
        }
        for (id, indices) in leaving where !indices.isEmpty {
            object.updateSection(id) { section in
                guard let rela = section.content.relocationsAreRela else { return }
                let count = section.relocationCount
                // A mask instead of a set: one allocation per section, no hashing per relocation.
                var goes = [Bool](repeating: false, count: count)
                var going = 0
                for k in indices where k >= 0 && k < count && !goes[k] {
                    goes[k] = true
                    going += 1
                }
                var kept: [Relocation] = []
                kept.reserveCapacity(count - going)
                RelocationTableReader.read(section.content) { relocations in
                    for k in 0..<count where !goes[k] { kept.append(relocations.relocation(k)) }
                }
                section.content = .relocations(kept, rela: rela)
            }
        }
        // A relocation section emptied by the conversion goes (v7 kept it; readelf --enable-checks warns about
        // zero-sized relocation sections). Sections that were empty in the input stay as they were.
        // Kept when something still refers to it: another section's sh_link or sh_info, or a symbol defined in it.
        // The few candidates are marked in an array by id, so the scan of every section and symbol hashes nothing.
        var emptied: Set<SectionID> = []
        let emptiedNow = leaving.keys.filter { id in
            id.rawValue >= 0 && leaving[id]?.isEmpty == false && object.section(id)?.relocationCount == 0
        }
        if let last = emptiedNow.map(\.rawValue).max() {
            var candidate = [Bool](repeating: false, count: last + 1)
            for id in emptiedNow { candidate[id.rawValue] = true }
            func keep(_ id: SectionID) {
                if candidate.indices.contains(id.rawValue) { candidate[id.rawValue] = false }
            }
            for s in object.sections {
                if let l = s.link { keep(l) }
                if case .section(let id) = s.info { keep(id) }
            }
            for symbol in object.symbols {
                guard case .section(let id) = symbol.section, candidate.indices.contains(id.rawValue),
                    candidate[id.rawValue], !plan.symbolsToRemove.contains(symbol.id)
                else { continue }
                keep(id)
            }
            for (id, indices) in leaving where !indices.isEmpty && candidate.indices.contains(id.rawValue) {
                if candidate[id.rawValue] { emptied.insert(id) }
            }
        }

        // klp sections already in the input (a second run), by name and target: found once, not per section.
        var existingKlp: [String: [SectionID: SectionID]] = [:]
        if plan.createdSections.contains(where: \.exists) {
            for s in object.sections where s.name.hasPrefix(KLPNames.relaPrefix) {
                guard let target = s.relocationTarget, existingKlp[s.name]?[target] == nil else { continue }
                existingKlp[s.name, default: [:]][target] = s.id
            }
        }
        for (i, planned) in plan.createdSections.enumerated() {
            let base = plan.klpSectionBases[i]
            if planned.exists, let existing = existingKlp[planned.name]?[base] {
                object.updateSection(existing) { s in
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

        // By index: iterating the entries would copy each (its strings and arrays) just to read two fields.
        for i in plan.symbols.indices where plan.symbols[i].status.converts {
            guard let newName = plan.symbols[i].newName else { continue }
            object.updateSymbol(plan.symbols[i].id) { s in
                s.name = newName
                s.section = .livepatch
            }
        }

        // Emptied and annotation sections go together: one removal, one rebuild of the section index. (Neither
        // kind is a klp section, so finding the existing klp sections above did not depend on the order.)
        object.removeSections(emptied.union(plan.sectionsToRemove))
        object.removeSymbols(plan.symbolsToRemove)
        return object
    }
}
