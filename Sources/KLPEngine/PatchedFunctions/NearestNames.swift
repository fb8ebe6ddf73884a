/// The names of an object closest to a name it does not have, to turn "not found" into a likely typo or a
/// renamed copy (`type_show.constprop.0`, `do_sys_open` vs `do_sys_openat2`).
enum NearestNames {
    static let limit = 3

    /// Up to `limit` names of `object`, best first: names that extend `name` with a compiler suffix
    /// (`.constprop.0`, `.isra.0`, `.cold`), then names within an edit distance of a third of its length.
    static func find(_ name: String, in object: String, database: SymbolDatabase) -> [String] {
        let wanted = Array(name.utf8)
        let budget = max(2, wanted.count / 3)
        var scored: [(score: Int, name: String)] = []
        var seen: Set<String> = []
        for candidate in database.candidates(inObject: object) where seen.insert(candidate.name).inserted {
            if candidate.name.hasPrefix(name + ".") {
                scored.append((0, candidate.name))
            } else if let d = distance(wanted, Array(candidate.name.utf8), budget: budget) {
                scored.append((d + 1, candidate.name))
            }
        }
        return scored.sorted { ($0.score, $0.name) < ($1.score, $1.name) }.prefix(limit).map(\.name)
    }

    /// Levenshtein distance, nil when above `budget` (rows stop early once every cell exceeds it).
    static func distance(_ a: [UInt8], _ b: [UInt8], budget: Int) -> Int? {
        guard abs(a.count - b.count) <= budget else { return nil }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > budget { return nil }
            swap(&previous, &current)
        }
        let result = a.isEmpty ? b.count : previous[b.count]
        return result <= budget ? result : nil
    }
}
