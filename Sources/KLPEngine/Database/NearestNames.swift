// What a name absent from symbols.klp may have been meant as: copies gcc renamed (`name.isra.0`,
// `name.constprop.0`, `name.part.0`, `name.cold`), and names a few edits away (a typo). One pass over the distinct
// names, with a length filter before a bounded edit distance, so a distribution kernel's 470,000 names take
// a fraction of a second.

public struct NearestNames: Sendable, Equatable {
    /// Names of the form `<name>.<suffix>`: the compiler's clones and parts of the function.
    public var renamedCopies: [String]
    /// Names within `maxDistance` edits, nearest first.
    public var nearest: [(name: String, distance: Int)]

    public static func == (a: NearestNames, b: NearestNames) -> Bool {
        a.renamedCopies == b.renamedCopies && a.nearest.map(\.name) == b.nearest.map(\.name)
            && a.nearest.map(\.distance) == b.nearest.map(\.distance)
    }

    public init(of name: String, in database: SymbolDatabase, maxDistance: Int = 2, limit: Int = 5) {
        let query = Array(name.utf8)
        let renamedPrefix = query + [UInt8(ascii: ".")]
        var renamed: [String] = []
        var near: [(String, Int)] = []
        // Short names are a few edits from thousands of others: suggest only what is likely meant.
        let budget = query.count < 5 ? min(1, maxDistance) : maxDistance
        for id in database.allNameIDs {
            let candidate = database.name(of: id)
            let bytes = Array(candidate.utf8)
            if bytes.count > renamedPrefix.count, bytes.starts(with: renamedPrefix) {
                renamed.append(candidate)
                continue
            }
            guard abs(bytes.count - query.count) <= budget, bytes != query else { continue }
            if let d = Self.distance(query, bytes, atMost: budget) { near.append((candidate, d)) }
        }
        renamedCopies = renamed.sorted()
        nearest = near.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map { (name: $0.0, distance: $0.1) }
    }

    /// Levenshtein distance of `a` and `b` if it is at most `limit`, else nil (stops as soon as a row exceeds it).
    static func distance(_ a: [UInt8], _ b: [UInt8], atMost limit: Int) -> Int? {
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...max(1, a.count) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(1, b.count) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        let d = a.isEmpty ? b.count : previous[b.count]
        return d <= limit ? d : nil
    }
}

extension NearestNames {
    /// Up to `limit` names of one object, best first, for a name that object does not have (a patched function's
    /// `old_name`): names that extend `name` with a compiler suffix (`.constprop.0`, `.isra.0`, `.cold`), then
    /// names within an edit distance of a third of its length.
    public static func names(near name: String, inObject object: String, database: SymbolDatabase, limit: Int = 3)
        -> [String]
    {
        let wanted = Array(name.utf8)
        let budget = max(2, wanted.count / 3)
        var scored: [(score: Int, name: String)] = []
        var seen: Set<String> = []
        for candidate in database.candidates(inObject: object) where seen.insert(candidate.name).inserted {
            let bytes = Array(candidate.name.utf8)
            if candidate.name.hasPrefix(name + ".") {
                scored.append((0, candidate.name))
            } else if abs(bytes.count - wanted.count) <= budget, let d = distance(wanted, bytes, atMost: budget) {
                scored.append((d + 1, candidate.name))
            }
        }
        return scored.sorted { ($0.score, $0.name) < ($1.score, $1.name) }.prefix(limit).map(\.name)
    }
}
