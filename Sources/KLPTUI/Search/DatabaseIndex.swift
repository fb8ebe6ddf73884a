#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every symbol line of a symbols.klp as a searchable row, built for speed on a full distribution database
// (hundreds of thousands of lines). Rows point into the file's bytes (and a copy with ASCII letters lowered,
// for case-insensitive matching). Each row also keeps two 64-bit signatures: which characters its name holds
// and which (hashed) character pairs. A query matches a row only if the row's signatures contain the query's,
// so most rows are rejected with two AND operations, and only the rest are checked byte by byte. Searching
// while typing narrows the previous result (IncrementalSearch).

public struct DatabaseIndex: Sendable {
    let bytes: [UInt8]
    let lowered: [UInt8]
    let start: [Int32]
    let length: [Int32]
    let characters: [UInt64]
    let pairs: [UInt64]
    let objectOfRow: [Int32]
    let fileOfRow: [Int32]
    let lineOfRow: [Int32]
    public let objects: [String]
    let files: [String]

    public var rowCount: Int { start.count }

    public struct Row: Equatable, Sendable {
        public var name: String
        public var object: String
        public var file: String?
        /// 1-based line in symbols.klp (matches DatabaseCandidate.line).
        public var line: Int
    }

    public func row(_ i: Int) -> Row {
        let s = Int(start[i]), e = s + Int(length[i])
        let name = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[s..<e]), as: UTF8.self) }
        let f = Int(fileOfRow[i])
        return Row(name: name, object: objects[Int(objectOfRow[i])], file: f >= 0 ? files[f] : nil, line: Int(lineOfRow[i]))
    }

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

    private static let exportPrefixes: [[UInt8]] = [Array("__ksymtab_".utf8), Array("__export_symbol_".utf8)]

    /// Indexes the text of a symbols.klp. Lines that are not symbols (the header, `*object`, `-file`, export
    /// markers, blank lines) are skipped; the database reader reports format problems, this only indexes.
    public init(bytes: [UInt8]) {
        let lowered = bytes.map(DatabaseIndex.fold)
        var start: [Int32] = [], length: [Int32] = []
        var characters: [UInt64] = [], pairs: [UInt64] = []
        var objectOfRow: [Int32] = [], fileOfRow: [Int32] = [], lineOfRow: [Int32] = []
        let estimate = bytes.count / 24
        start.reserveCapacity(estimate)
        length.reserveCapacity(estimate)
        characters.reserveCapacity(estimate)
        pairs.reserveCapacity(estimate)
        objectOfRow.reserveCapacity(estimate)
        fileOfRow.reserveCapacity(estimate)
        lineOfRow.reserveCapacity(estimate)
        var objects: [String] = [], files: [String] = []
        var fileIDs: [String: Int32] = [:]
        var object: Int32 = -1, file: Int32 = -1
        var lineNumber: Int32 = 0
        lowered.withUnsafeBufferPointer { low in
            bytes.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                var i = 0
                let n = buf.count
                while i < n {
                    let e: Int
                    if let nl = memchr(base + i, 0x0a, n - i) {
                        e = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    } else {
                        e = n
                    }
                    lineNumber &+= 1
                    var end = e
                    if end > i && buf[end - 1] == 0x0d { end -= 1 }
                    defer { i = e + 1 }
                    if lineNumber == 1 || end == i { continue }
                    let first = buf[i]
                    if first == UInt8(ascii: "*") || first == UInt8(ascii: "-") {
                        let name = String(decoding: UnsafeBufferPointer(rebasing: buf[(i + 1)..<end]), as: UTF8.self)
                        if first == UInt8(ascii: "*") {
                            objects.append(name.replacing("-", with: "_"))
                            object = Int32(objects.count - 1)
                            file = -1
                        } else if let id = fileIDs[name] {
                            file = id
                        } else {
                            files.append(name)
                            file = Int32(files.count - 1)
                            fileIDs[name] = file
                        }
                        continue
                    }
                    if object < 0 { continue }
                    if first == UInt8(ascii: "_"), DatabaseIndex.exportPrefixes.contains(where: { p in
                        end - i > p.count && memcmp(base + i, p, p.count) == 0
                    }) { continue }
                    var c: UInt64 = 0, p: UInt64 = 0
                    var previous = low[i]
                    c |= DatabaseIndex.characterBit(previous)
                    var k = i + 1
                    while k < end {
                        let b = low[k]
                        c |= DatabaseIndex.characterBit(b)
                        p |= DatabaseIndex.pairBit(previous, b)
                        previous = b
                        k += 1
                    }
                    start.append(Int32(i))
                    length.append(Int32(end - i))
                    characters.append(c)
                    pairs.append(p)
                    objectOfRow.append(object)
                    fileOfRow.append(file)
                    lineOfRow.append(lineNumber)
                }
            }
        }
        self.bytes = bytes
        self.lowered = lowered
        self.start = start
        self.length = length
        self.characters = characters
        self.pairs = pairs
        self.objectOfRow = objectOfRow
        self.fileOfRow = fileOfRow
        self.lineOfRow = lineOfRow
        self.objects = objects
        self.files = files
    }

    /// Lowercases ASCII letters of a query, the way names were lowered.
    static func lowerQuery(_ query: String) -> [UInt8] { query.utf8.map(fold) }

    /// First occurrence of the needle in the haystack: memchr for the first byte, memcmp for the rest.
    @inline(__always)
    static func find(_ hay: UnsafeRawPointer, _ count: Int, _ needle: UnsafeRawPointer, _ length: Int) -> UnsafeRawPointer? {
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
                                    return DatabaseIndex.find(base + Int(start[r]), Int(length[r]), q, needle.count) != nil
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
