import ArgumentParser
import KLPEngine

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show what symbols.klp knows about a symbol: every copy, its object, position, source, address "
            + "and kallsyms neighbours.")

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
        var sawCopies = false
        var sawEvidence = false
        for name in names {
            let candidates = database.candidates(named: name)
            let exporters = database.exportingObjects(of: name)
            if candidates.isEmpty && exporters.isEmpty {
                say("\(name): not in \(symbols)")
                missing = true
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
