import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every symbol line of a symbols.klp as a searchable row, built for speed on a full distribution database
// (hundreds of thousands of lines). The rows are the parsed database's records (row r is
// `database.candidate(atIndex: r)`), so the database screen shows what the engine read, nothing it rejected.
// Rows point into a copy of the database's distinct-name buffer with ASCII letters lowered, for
// case-insensitive matching. Each row also keeps two 64-bit signatures: which characters its name holds and
// which (hashed) character pairs. A query matches a row only if the row's signatures contain the query's, so
// most rows are rejected with two AND operations, and only the rest are checked byte by byte. Searching while
// typing narrows the previous result (IncrementalSearch).

public struct DatabaseIndex: Sendable {
    public let database: SymbolDatabase
    /// The database's distinct names, each followed by "\n", ASCII letters lowered.
    let lowered: [UInt8]
    // By row (parallel arrays, read in order by the search loop): the name's place in `lowered`, and its
    // signatures.
    let start: [Int32]
    let length: [Int32]
    let characters: [UInt64]
    let pairs: [UInt64]

    public var rowCount: Int { start.count }

    /// Objects of symbols.klp, each once.
    public var objects: [String] { database.objectNames }

    /// The database line of row `i`, with its position.
    public func candidate(_ i: Int) -> DatabaseCandidate { database.candidate(atIndex: i) }

    @inline(__always)
    static func fold(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5a ? b | 0x20 : b }

    /// Signature bit of one (lowered) byte: letters, digits, '_' and '.' have their own bit, so for a one-character
    /// query of those the signature test is exact.
    @inline(__always)
    static func characterBit(_ b: UInt8) -> UInt64 {
        switch b {
        case 0x61...0x7a: return 1 << UInt64(b - 0x61)
        case 0x30...0x39: return 1 << UInt64(26 + b - 0x30)
        case 0x5f: return 1 << 36
        case 0x2e: return 1 << 37
        default: return 1 << UInt64(38 + b % 26)
        }
    }

    @inline(__always)
    static func isExactCharacter(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x5f || b == 0x2e
    }

    @inline(__always)
    static func pairBit(_ a: UInt8, _ b: UInt8) -> UInt64 {
        1 << UInt64((UInt32(a) &* 31 &+ UInt32(b)) & 63)
    }

    /// Indexes every symbol line of `database`. Signatures are computed once per distinct name and copied to
    /// each of its rows, so the search reads four arrays in order.
    public init(database: SymbolDatabase) {
        let columns = database.lineColumns
        let lowered = columns.nameBytes.map(DatabaseIndex.fold)
        let nameCount = columns.nameStarts.count
        var nameCharacters = [UInt64](repeating: 0, count: nameCount)
        var namePairs = [UInt64](repeating: 0, count: nameCount)
        lowered.withUnsafeBufferPointer { low in
            for k in 0..<nameCount {
                let i = Int(columns.nameStarts[k]), end = i + Int(columns.nameLengths[k])
                guard end > i else { continue }
                var c: UInt64 = 0, p: UInt64 = 0
                var previous = low[i]
                c |= DatabaseIndex.characterBit(previous)
                var j = i + 1
                while j < end {
                    let b = low[j]
                    c |= DatabaseIndex.characterBit(b)
                    p |= DatabaseIndex.pairBit(previous, b)
                    previous = b
                    j += 1
                }
                nameCharacters[k] = c
                namePairs[k] = p
            }
        }
        let rows = columns.nameIDs.count
        var start = [Int32](repeating: 0, count: rows), length = [Int32](repeating: 0, count: rows)
        var characters = [UInt64](repeating: 0, count: rows), pairs = [UInt64](repeating: 0, count: rows)
        for (r, id) in columns.nameIDs.enumerated() {
            let k = Int(id)
            start[r] = Int32(columns.nameStarts[k])
            length[r] = Int32(columns.nameLengths[k])
            characters[r] = nameCharacters[k]
            pairs[r] = namePairs[k]
        }
        self.database = database
        self.lowered = lowered
        self.start = start
        self.length = length
        self.characters = characters
        self.pairs = pairs
    }

    /// Lowercases ASCII letters of a query, the way names were lowered.
    static func lowerQuery(_ query: String) -> [UInt8] { query.utf8.map(fold) }

    /// First occurrence of the needle in the haystack: memchr for the first byte, memcmp for the rest.
    @inline(__always)
    static func find(_ hay: UnsafeRawPointer, _ count: Int, _ needle: UnsafeRawPointer, _ length: Int)
        -> UnsafeRawPointer?
    {
        guard length > 0, count >= length else { return nil }
        let first = Int32(needle.load(as: UInt8.self))
        var p = hay
        let last = hay + (count - length)
        while p <= last {
            guard let hit = memchr(p, first, last - p + 1) else { return nil }
            let h = UnsafeRawPointer(hit)
            if length == 1 || memcmp(h + 1, needle + 1, length - 1) == 0 { return h }
            p = h + 1
        }
        return nil
    }

    /// The query's signatures, and whether the signature test alone decides (one exact character).
    private static func signatures(_ q: [UInt8]) -> (UInt64, UInt64, Bool) {
        var c: UInt64 = 0, p: UInt64 = 0
        for (k, b) in q.enumerated() {
            c |= characterBit(b)
            if k > 0 { p |= pairBit(q[k - 1], b) }
        }
        return (c, p, q.count == 1 && isExactCharacter(q[0]))
    }

    /// Rows whose name contains `query` (ASCII case-insensitive), in file order.
    func search(_ query: [UInt8]) -> [Int32] {
        guard !query.isEmpty else { return Array(0..<Int32(rowCount)) }
        return filter(query, rows: nil)
    }

    /// The rows of `previous` whose name contains `query`: used when the query grew, since every match of
    /// the longer query is a match of the shorter one.
    func narrow(_ previous: [Int32], to query: [UInt8]) -> [Int32] {
        guard !query.isEmpty else { return previous }
        return filter(query, rows: previous)
    }

    private func filter(_ query: [UInt8], rows: [Int32]?) -> [Int32] {
        if query.contains(0x0a) { return [] }
        let (qc, qp, exact) = DatabaseIndex.signatures(query)
        var out: [Int32] = []
        lowered.withUnsafeBytes { hay in
            query.withUnsafeBytes { needle in
                start.withUnsafeBufferPointer { start in
                    length.withUnsafeBufferPointer { length in
                        characters.withUnsafeBufferPointer { characters in
                            pairs.withUnsafeBufferPointer { pairs in
                                guard let base = hay.baseAddress, let q = needle.baseAddress else { return }
                                @inline(__always) func test(_ r: Int) -> Bool {
                                    guard characters[r] & qc == qc, pairs[r] & qp == qp else { return false }
                                    if exact { return true }
                                    return DatabaseIndex.find(base + Int(start[r]), Int(length[r]), q, needle.count)
                                        != nil
                                }
                                if let rows {
                                    for r in rows where test(Int(r)) { out.append(r) }
                                } else {
                                    for r in 0..<start.count where test(r) { out.append(Int32(r)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Search state that makes typing fast: results for each shorter query typed so far are kept, so adding a
/// character narrows the last result and deleting one goes back to a kept result without searching.
public struct IncrementalSearch: Sendable {
    struct Step: Sendable {
        var query: [UInt8]
        var rows: [Int32]
    }
    private(set) var steps: [Step] = []
    public private(set) var query = ""

    public init() {}

    /// The matching rows for the current query; nil means every row (empty query).
    public var rows: [Int32]? { steps.last?.rows }

    public var count: Int? { steps.last?.rows.count }

    public mutating func update(_ newQuery: String, in index: DatabaseIndex) {
        query = newQuery
        let q = DatabaseIndex.lowerQuery(newQuery)
        while let last = steps.last, !(q.starts(with: last.query)) { steps.removeLast() }
        if q.isEmpty {
            steps.removeAll()
            return
        }
        if let last = steps.last, last.query == q { return }
        let rows = steps.last.map { index.narrow($0.rows, to: q) } ?? index.search(q)
        steps.append(Step(query: q, rows: rows))
    }
}
