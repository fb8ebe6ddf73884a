import KLPEngine

/// Evidence for the copies of a plan's symbols, ranked against the patch's own klp_object/klp_func tables; read
/// only when something is shown (the ambiguity error, list), never for a conversion that succeeds.
func copyEvidence(for symbols: [PlannedSymbol], patch: ELFObject, databasePath: String, order: DatabaseOrder)
    throws(DatabaseError) -> [String: [CopyEvidence]]
{
    var copies: [String: [DatabaseCandidate]] = [:]
    for s in symbols where !s.candidates.isEmpty { copies[s.name] = s.candidates }
    guard !copies.isEmpty else { return [:] }
    return try CopyRanking.gather(copies: copies, databasePath: databasePath, order: order,
                                  targets: PatchTargets.read(patch))
}

/// The single paste block for all ambiguous symbols of a conversion, on stderr after the diagnostics.
func reportAmbiguities(_ plan: ConversionPlan, patch: ELFObject, databasePath: String) {
    let ambiguous = plan.symbols.filter { $0.status == .ambiguous }
    guard !ambiguous.isEmpty else { return }
    do {
        let evidence = try copyEvidence(for: ambiguous, patch: patch, databasePath: databasePath,
                                        order: plan.databaseOrder)
        let symbols = ambiguous.map { (name: $0.name, copies: evidence[$0.name] ?? []) }
        for line in AmbiguityBlock.lines(symbols: symbols, databasePath: databasePath) { Report.line(line) }
    } catch {
        Report.error("no evidence for the ambiguous symbols: \(error)")
    }
}
