/// The block printed when a livepatch has ambiguous symbols: one `KLP_MODULE_RELOC(<object>)` array per object
/// the patch targets, holding every ambiguous symbol with copies there. No position is a compilable default
/// (DECISIONS 7): each is an undefined identifier naming the valid range, `KLP_POSITION_REQUIRED_1_TO_3`, so
/// the build fails until the author writes the number; the suggestion, when there is one, is in a comment next
/// to it. Copies in objects the patch does not target are summarised in one line per symbol.
public enum AmbiguityBlock {
    /// The placeholder for a copy in an object with `copies` same-named lines.
    public static func placeholder(copies: Int) -> String {
        copies <= 1 ? "KLP_POSITION_REQUIRED_0" : "KLP_POSITION_REQUIRED_1_TO_\(copies)"
    }

    /// `symbols`: ambiguous names in the order the plan lists them, each with its ranked copies
    /// (`CopyRanking.gather`). `databasePath` is named in the pointer to `explain`.
    public static func lines(symbols: [(name: String, copies: [CopyEvidence])], databasePath: String) -> [String] {
        var objects: [String] = []
        var entries: [String: [(name: String, copies: [CopyEvidence])]] = [:]
        var summaries: [String] = []
        for (name, copies) in symbols {
            let targeted = copies.filter(\.targeted)
            for object in unique(targeted.map(\.candidate.object)) {
                if entries[object] == nil { objects.append(object) }
                entries[object, default: []].append((name, targeted.filter { $0.candidate.object == object }))
            }
            let others = copies.filter { !$0.targeted }
            if !others.isEmpty {
                let count = unique(others.map(\.candidate.object)).count
                summaries.append(
                    "/* and \(others.count) \(others.count == 1 ? "copy" : "copies") of "
                        + "\(CSnippet.commentSafe(name)) in \(count) other \(count == 1 ? "module" : "modules")"
                        + " the patch does not target; 'klp-convert explain \(CSnippet.commentSafe(databasePath))"
                        + " \(CSnippet.commentSafe(name))' lists them */")
            }
        }
        guard !objects.isEmpty || !summaries.isEmpty else { return [] }
        var out = [
            "Paste into the livepatch and write the position of the copy you mean "
                + "(it does not compile until you do):"
        ]
        var names = AsmIdentifiers(names: symbols.map(\.name))
        for object in objects {
            out += block(object: object, entries: entries[object] ?? [], allSymbols: symbols, names: &names)
        }
        return out + summaries
    }

    /// The rows of one object's block, written by CSnippet (the one writer of KLP_MODULE_RELOC text).
    private static func block(
        object: String, entries: [(name: String, copies: [CopyEvidence])],
        allSymbols: [(name: String, copies: [CopyEvidence])], names: inout AsmIdentifiers
    ) -> [String] {
        let rows = entries.map { name, copies in
            let count = copies.first?.candidate.copiesInObject ?? 1
            let listing = copies.map { c in
                "\(c.candidate.position) = \(c.place ?? "file unknown")"
                    + (c.evidence.address.map { " @\(String($0, radix: 16))" } ?? "")
            }.joined(separator: ", ")
            var comments = ["\t/* \(CSnippet.commentSafe(name)): \(CSnippet.commentSafe(listing)) */"]
            let elsewhere =
                allSymbols.first { $0.name == name }?.copies
                .filter { $0.targeted && $0.candidate.object != object }.map(\.candidate.object) ?? []
            if !elsewhere.isEmpty {
                comments.append(
                    "\t/* \(CSnippet.commentSafe(name)) is also in \(unique(elsewhere).joined(separator: ", ")):"
                        + " keep it in one block only */")
            }
            var hint = ""
            if let s = copies.first(where: \.suggested) {
                hint = " /* suggested: \(s.candidate.position) (\(CSnippet.commentSafe(s.reason ?? ""))) */"
            }
            return CSnippet.Entry(symbol: name, position: placeholder(copies: count) + hint, comments: comments)
        }
        return CSnippet.block(object: object, entries: rows, names: &names)
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
