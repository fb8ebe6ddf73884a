import ArgumentParser
import KLPEngine

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show what symbols.klp knows about a symbol: every copy, its object, position, source, address "
            + "and kallsyms neighbours.",
        discussion: """
            For a name symbols.klp does not have, says what that can mean: a typo (the nearest names), a copy gcc \
            renamed (name.isra.0, name.constprop.0, name.part.0, name.cold), a function inlined into every caller, \
            a symbol the module loader drops, or a database built from stripped modules.

            Exit status: 0 when every name is in symbols.klp, 255 when one is not or on any error.
            """)

    @Argument(help: "The symbol database (symbols.klp).") var symbols: String
    @Argument(help: "Symbol names.") var names: [String]

    func run() throws {
        let database: SymbolDatabase
        let evidence: [Int: SymbolEvidence]
        do {
            (database, evidence) = try DatabaseWithEvidence.load(path: symbols, names: Set(names))
        } catch {
            Report.failure(error)
            throw ExitStatus.failure
        }
        var missing = false
        // Loaded whole only when a name is absent: the suggestions look at every name.
        var whole: SymbolDatabase?
        var sawCopies = false
        var sawEvidence = false
        for name in names {
            let candidates = database.candidates(named: name)
            let exporters = database.exportingObjects(of: name)
            if candidates.isEmpty && exporters.isEmpty {
                missing = true
                if whole == nil {
                    do {
                        whole = try SymbolDatabase.load(path: symbols)
                    } catch {
                        Report.failure(error)
                        throw ExitStatus.failure
                    }
                }
                for line in AbsentName.explanation(name, database: whole ?? database, path: symbols) { say(line) }
                continue
            }
            if !exporters.isEmpty {
                say(
                    "\(name): exported by \(exporters.joined(separator: ", ")) (stays an ordinary relocation\(exporters.contains("vmlinux") ? "" : " unless --convert-module-exports"))"
                )
            }
            switch candidates.count {
            case 0: break
            case 1:
                say(
                    "\(name): unique, in \(candidates[0].object)\(candidates[0].file.map { " (\($0))" } ?? ""): resolved automatically, position 0"
                )
            default: say("\(name): \(candidates.count) copies: needs KLP_MODULE_RELOC/KLP_SYMPOS")
            }
            sawCopies = sawCopies || candidates.count > 1
            for c in candidates {
                let e = evidence[c.line] ?? SymbolEvidence()
                sawEvidence = sawEvidence || c.file != nil || e.address != nil
                for line in EvidenceText.copyLines(c, e, neighbours: database.order == .kallsyms) { say(line) }
            }
            if database.order == .nameSorted && candidates.count > 1 {
                say("  note: name-sorted database: positions are counted, but it cannot tell which copy is which")
            }
        }
        if sawCopies && !sawEvidence { say(EvidenceText.noEvidenceNote) }
        if missing { throw ExitStatus.failure }
    }
}

/// stdout for explain: names come from the database, so no raw control characters.
private func say(_ text: String) { print(TerminalSafe.line(text)) }
