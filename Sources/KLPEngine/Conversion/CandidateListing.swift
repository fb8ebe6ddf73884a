// Text shown when a symbol is ambiguous or an annotation is wrong: every candidate with its object, the position
// the kernel will count (0 when unique in its object, else 1..k; v7 printed 0..k-1) and its source file, then
// a note when the database cannot tell the copies apart.

public enum CandidateListing {
    public static let rule = "-------------------------------------------------"

    public static func lines(symbol: String, candidates: [DatabaseCandidate], order: DatabaseOrder) -> [String] {
        guard !candidates.isEmpty else { return [] }
        var out = ["Valid KLP_SYMPOS for symbol \(symbol):", rule]
        var objects: [String] = []
        var byObject: [String: [DatabaseCandidate]] = [:]
        for c in candidates {
            if byObject[c.object] == nil { objects.append(c.object) }
            byObject[c.object, default: []].append(c)
        }
        for o in objects {
            out.append("KLP_MODULE_RELOC(\(o)){")
            for c in byObject[o] ?? [] {
                var line = "\tKLP_SYMPOS(\(symbol),\(c.position))"
                if let file = c.file { line += "\t/* \(CSnippet.commentSafe(file)) */" }
                out.append(line)
            }
            out.append("}")
        }
        out.append(rule)
        if order == .nameSorted, candidates.count > 1 {
            out.append(
                "note: symbols.klp is name-sorted (nm output): positions 1..k exist, but it cannot tell which copy is which; build it with 'klp-convert build-db' to see files and kallsyms order"
            )
        }
        // No paste block here: a block with a default position compiles and silently patches copy 1 (DECISIONS
        // 7). The command line prints one block per object for all ambiguous symbols, with placeholders
        // (AmbiguityBlock).
        return out
    }
}
