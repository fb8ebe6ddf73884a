import KLPEngine

/// Evidence for the copies of a plan's symbols, ranked against the patch's own klp_object/klp_func tables; read
/// only when something is shown (the ambiguity error, list), never for a conversion that succeeds.
func copyEvidence(
    for symbols: [PlannedSymbol], targets: PatchTargets, bytes: UnsafeRawBufferPointer, path: String,
    order: DatabaseOrder
) throws(DatabaseError) -> [String: [CopyEvidence]] {
    // A symbol resolved by an annotation or a choice is decided: it shows its copies without a suggestion.
    let entries = symbols.map { s in
        (name: s.name, candidates: s.candidates, decided: s.status != .ambiguous && s.status != .invalid)
    }
    return try CopyRanking.gather(symbols: entries, bytes: bytes, path: path, order: order, targets: targets)
}

/// The single paste block for all ambiguous symbols of a conversion, on stderr after the diagnostics.
func reportAmbiguities(_ plan: ConversionPlan, targets: PatchTargets, databasePath: String) {
    let ambiguous = plan.symbols.filter { $0.status == .ambiguous }
    guard !ambiguous.isEmpty else { return }
    do {
        // Read again only here, on the error path: a conversion that succeeds never reads the evidence.
        let file = try InputFile.readDatabase(databasePath, what: "Symbol list")
        let evidence = try file.withBytes { bytes throws(DatabaseError) in
            try copyEvidence(
                for: ambiguous, targets: targets, bytes: bytes, path: databasePath, order: plan.databaseOrder)
        }
        let symbols = ambiguous.map { (name: $0.name, copies: evidence[$0.name] ?? []) }
        for line in AmbiguityBlock.lines(symbols: symbols, databasePath: databasePath) { Report.line(line) }
    } catch {
        Report.error("no evidence for the ambiguous symbols: \(error)")
    }
}

/// The diagnostics as printed: an ambiguity's candidate listing keeps the objects the patch targets and
/// summarises the others (a name can have dozens of module copies the patch cannot mean).
func diagnosticsForReport(_ plan: ConversionPlan, targets: PatchTargets) -> [Diagnostic] {
    let ambiguous = Dictionary(
        plan.symbols.filter { $0.status == .ambiguous }.map { ($0.name, $0.candidates) },
        uniquingKeysWith: { a, _ in a })
    guard !ambiguous.isEmpty else { return plan.diagnostics }
    guard !targets.isEmpty else { return plan.diagnostics }
    let prefix = "Define KLP_SYMPOS for the symbol: "
    return plan.diagnostics.map { d in
        // The symbol is the diagnostic's own (its location); the message only tells the ambiguity error apart from
        // other findings about the same symbol.
        guard let name = d.location?.symbol, let candidates = ambiguous[name], d.message == prefix + name
        else { return d }
        let kept = candidates.filter { targets.objects.contains($0.object) }
        let others = candidates.count - kept.count
        guard others > 0 else { return d }
        var copy = d
        copy.detail = CandidateListing.lines(symbol: name, candidates: kept, order: plan.databaseOrder)
        let modules = Set(candidates.filter { !targets.objects.contains($0.object) }.map(\.object)).count
        copy.detail.append(
            "(and \(others) \(others == 1 ? "copy" : "copies") in \(modules) other "
                + "\(modules == 1 ? "object" : "objects") the patch's klp_objects do not name)")
        return copy
    }
}
