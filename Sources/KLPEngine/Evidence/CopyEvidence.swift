/// One copy of a homonym with everything known about it, and whether the patch itself suggests it.
public struct CopyEvidence: Sendable, Equatable {
    public var candidate: DatabaseCandidate
    public var evidence: SymbolEvidence
    /// True for the one copy the patch's own tables point at (never applied by itself: DECISIONS 7).
    public var suggested: Bool
    /// Why it is suggested ("same file as patched kallsyms_open: kernel/kallsyms.c"); nil when not suggested.
    public var reason: String?
    /// The copy is in an object the patch names in a klp_object (true for every copy when the patch has no
    /// klp_object table the tool could read).
    public var targeted: Bool

    /// "fs/inode.c:440", "fs/inode.c", or nil.
    public var place: String? { EvidenceText.place(candidate, evidence) }
}

/// Gathers the evidence for the copies of ambiguous symbols and ranks them against the patch's own targets:
/// 1. a copy in the same source file as a patched function of its object (nearest in kallsyms order on a tie);
/// 2. else the copy nearest in kallsyms order to a patched function of its object (at most `nearbyLimit`
///    symbols away: farther says nothing);
/// copies in objects the patch does not target are never suggested and are listed last. No suggestion when two
/// copies rank equal, or when the database is name-sorted (its line order means nothing).
public enum CopyRanking {
    public static let nearbyLimit = 100

    /// `symbols`: each name's candidates (as the plan lists them; a name without candidates is left out, a name
    /// listed twice counts once), from the bytes of symbols.klp already in memory (read once by the caller: a
    /// pipe gives its bytes once). The copies of a `decided` name (resolved by an annotation, a choice, a klp_func
    /// with a position) get their evidence and no suggestion: a suggestion is for a decision still open.
    public static func gather(
        symbols: [(name: String, candidates: [DatabaseCandidate], decided: Bool)], bytes: UnsafeRawBufferPointer,
        path: String, order: DatabaseOrder, targets: PatchTargets
    ) throws(DatabaseError)
        -> [String: [CopyEvidence]]
    {
        var copies: [String: [DatabaseCandidate]] = [:]
        var decided: Set<String> = []
        for s in symbols where !s.candidates.isEmpty && copies[s.name] == nil {
            copies[s.name] = s.candidates
            if s.decided { decided.insert(s.name) }
        }
        guard !copies.isEmpty else { return [:] }
        var patched: [(function: PatchedFunction, copy: DatabaseCandidate)] = []
        if !targets.functions.isEmpty {
            let names = Set(targets.functions.map(\.name))
            let database = try SymbolDatabase.parse(bytes: bytes, path: path, only: names)
            for f in targets.functions {
                let inObject = database.candidates(named: f.name, in: f.object)
                let copy =
                    f.position > 0
                    ? inObject.first { $0.position == f.position } : (inObject.count == 1 ? inObject.first : nil)
                if let copy { patched.append((f, copy)) }
            }
        }
        let lines = Set(copies.values.flatMap { $0.map(\.line) } + patched.map(\.copy.line))
        let evidence = try EvidenceReader.read(bytes, path: path, lines: lines)
        let patchedEvidence = patched.map { (function: $0.function, copy: $0.copy, evidence: evidence[$0.copy.line]) }

        var result: [String: [CopyEvidence]] = [:]
        for (name, candidates) in copies {
            var list = candidates.map { c in
                CopyEvidence(
                    candidate: c, evidence: evidence[c.line] ?? SymbolEvidence(), suggested: false,
                    reason: nil, targeted: targets.isEmpty || targets.objects.contains(c.object))
            }
            if order == .kallsyms && !decided.contains(name) { suggest(&list, patched: patchedEvidence) }
            // Targeted objects first, file order within each group.
            result[name] = list.filter(\.targeted) + list.filter { !$0.targeted }
        }
        return result
    }

    private static func suggest(
        _ list: inout [CopyEvidence],
        patched: [(function: PatchedFunction, copy: DatabaseCandidate, evidence: SymbolEvidence?)]
    ) {
        struct Rank {
            var sameFile: Bool
            var distance: Int
            var reason: String
        }
        var ranks: [Int: Rank] = [:]
        for (i, copy) in list.enumerated() where copy.targeted {
            var best: Rank? = nil
            for p in patched where p.copy.object == copy.candidate.object && p.copy.line != copy.candidate.line {
                let distance = p.evidence.map { abs($0.index - copy.evidence.index) } ?? Int.max
                let sameFile = copy.candidate.file != nil && copy.candidate.file == p.copy.file
                let rank: Rank
                if sameFile {
                    rank = Rank(
                        sameFile: true, distance: distance,
                        reason: "same file as patched \(p.function.name): \(copy.candidate.file!)")
                } else if distance <= nearbyLimit {
                    let unit = distance == 1 ? "symbol" : "symbols"
                    rank = Rank(
                        sameFile: false, distance: distance,
                        reason: "\(distance) \(unit) from patched \(p.function.name)")
                } else {
                    continue
                }
                if best == nil || better(rank.sameFile, rank.distance, than: best!.sameFile, best!.distance) {
                    best = rank
                }
            }
            if let best { ranks[i] = best }
        }
        let ordered = ranks.sorted {
            better(
                $0.value.sameFile, $0.value.distance, than: $1.value.sameFile,
                $1.value.distance)
        }
        guard let winner = ordered.first else { return }
        if ordered.count > 1, ordered[1].value.sameFile == winner.value.sameFile,
            ordered[1].value.distance == winner.value.distance
        {
            return  // a tie: nothing to suggest
        }
        list[winner.key].suggested = true
        list[winner.key].reason = winner.value.reason
    }

    private static func better(_ aSame: Bool, _ aDistance: Int, than bSame: Bool, _ bDistance: Int) -> Bool {
        if aSame != bSame { return aSame }
        return aDistance < bDistance
    }
}
