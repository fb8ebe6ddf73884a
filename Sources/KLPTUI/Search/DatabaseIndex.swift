#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every symbol line of a symbols.klp as a searchable row, built for speed on a full distribution database
// (hundreds of thousands of lines): all names live in one byte buffer, ASCII-lowercased once, each followed by
// '\n', so a case-insensitive substring search is a memmem over the buffer, and narrowing a previous result
// is one memmem per row. Rows keep their object, source file and line, so a hit can show where it comes from.

public struct DatabaseIndex: Sendable {
    /// Original names, each followed by '\n'; row i spans starts[i] ..< starts[i+1]-1.
    let names: [UInt8]
    /// The same bytes with ASCII letters lowercased (same length, so the offsets are shared).
    let lowered: [UInt8]
    let starts: [Int32]
    let objectOfRow: [Int32]
    let fileOfRow: [Int32]
    let lineOfRow: [Int32]
    public let objects: [String]
    let files: [String]

    public var rowCount: Int { objectOfRow.count }

    public struct Row: Equatable, Sendable {
        public var name: String
        public var object: String
        public var file: String?
        /// 1-based line in symbols.klp (matches DatabaseCandidate.line).
        public var line: Int
    }

    public func row(_ i: Int) -> Row {
        let s = Int(starts[i]), e = Int(starts[i + 1]) - 1
        let name = names.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[s..<e]), as: UTF8.self) }
        let f = Int(fileOfRow[i])
        return Row(name: name, object: objects[Int(objectOfRow[i])], file: f >= 0 ? files[f] : nil, line: Int(lineOfRow[i]))
    }

    /// Indexes the text of a symbols.klp. Lines that are not symbols (the header, `*object`, `-file`, export
    /// markers, blank lines) are skipped; the database reader reports format problems, this only indexes.
    public init(bytes: [UInt8]) {
        var names: [UInt8] = []
        var lowered: [UInt8] = []
        names.reserveCapacity(bytes.count)
        lowered.reserveCapacity(bytes.count)
        var starts: [Int32] = []
        var objectOfRow: [Int32] = [], fileOfRow: [Int32] = [], lineOfRow: [Int32] = []
        var objects: [String] = [], files: [String] = []
        var fileIDs: [String: Int32] = [:]
        var object: Int32 = -1, file: Int32 = -1
        var lineNumber: Int32 = 0
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            while i < n {
                var e = i
                while e < n && buf[e] != 0x0a { e += 1 }
                lineNumber &+= 1
                var end = e
                if end > i && buf[end - 1] == 0x0d { end -= 1 }
                defer { i = e + 1 }
                if lineNumber == 1 || end == i { continue }
                let line = UnsafeBufferPointer(rebasing: buf[i..<end])
                switch line[0] {
                case UInt8(ascii: "*"):
                    let name = String(decoding: UnsafeBufferPointer(rebasing: line.dropFirst()), as: UTF8.self)
                    objects.append(name.replacing("-", with: "_"))
                    object = Int32(objects.count - 1)
                    file = -1
                    continue
                case UInt8(ascii: "-"):
                    let name = String(decoding: UnsafeBufferPointer(rebasing: line.dropFirst()), as: UTF8.self)
                    if let id = fileIDs[name] {
                        file = id
                    } else {
                        files.append(name)
                        file = Int32(files.count - 1)
                        fileIDs[name] = file
                    }
                    continue
                default:
                    break
                }
                if object < 0 || Self.isExportMarker(line) { continue }
                starts.append(Int32(names.count))
                names.append(contentsOf: line)
                for b in line { lowered.append(b >= 0x41 && b <= 0x5a ? b | 0x20 : b) }
                names.append(0x0a)
                lowered.append(0x0a)
                objectOfRow.append(object)
                fileOfRow.append(file)
                lineOfRow.append(lineNumber)
            }
        }
        starts.append(Int32(names.count))
        self.names = names
        self.lowered = lowered
        self.starts = starts
        self.objectOfRow = objectOfRow
        self.fileOfRow = fileOfRow
        self.lineOfRow = lineOfRow
        self.objects = objects
        self.files = files
    }

    private static func isExportMarker(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for prefix in ["__ksymtab_", "__export_symbol_"] {
            let p = Array(prefix.utf8)
            if line.count > p.count && line.prefix(p.count).elementsEqual(p) { return true }
        }
        return false
    }

    /// First occurrence of the needle in the haystack: memchr for the first byte, memcmp for the rest (glibc's
    /// memmem is not visible without _GNU_SOURCE, and this is as fast for short needles).
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

    /// Lowercases ASCII letters of a query, the way names were lowered.
    static func lowerQuery(_ query: String) -> [UInt8] {
        query.utf8.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
    }

    /// Rows whose name contains `query` (ASCII case-insensitive), in file order.
    func search(_ query: [UInt8]) -> [Int32] {
        guard !query.isEmpty, !query.contains(0x0a) else { return query.isEmpty ? Array(0..<Int32(rowCount)) : [] }
        var out: [Int32] = []
        lowered.withUnsafeBytes { hay in
            starts.withUnsafeBufferPointer { starts in
                query.withUnsafeBytes { needle in
                    guard let base = hay.baseAddress, let q = needle.baseAddress else { return }
                    var offset = 0
                    let total = hay.count
                    while offset < total {
                        guard let hit = DatabaseIndex.find(base + offset, total - offset, q, needle.count) else { break }
                        let position = Int32(base.distance(to: UnsafeRawPointer(hit)))
                        // The row holding `position`: last start <= position.
                        var lo = 0, hi = starts.count - 1
                        while lo + 1 < hi {
                            let mid = (lo + hi) / 2
                            if starts[mid] <= position { lo = mid } else { hi = mid }
                        }
                        out.append(Int32(lo))
                        offset = Int(starts[lo + 1])
                    }
                }
            }
        }
        return out
    }

    /// The rows of `previous` whose name contains `query`: used when the query grew, since every match of
    /// the longer query is a match of the shorter one.
    func narrow(_ previous: [Int32], to query: [UInt8]) -> [Int32] {
        guard !query.isEmpty else { return previous }
        var out: [Int32] = []
        lowered.withUnsafeBytes { hay in
            starts.withUnsafeBufferPointer { starts in
                query.withUnsafeBytes { needle in
                    guard let base = hay.baseAddress, let q = needle.baseAddress else { return }
                    for row in previous {
                        let s = Int(starts[Int(row)]), e = Int(starts[Int(row) + 1]) - 1
                        if e - s >= needle.count, DatabaseIndex.find(base + s, e - s, q, needle.count) != nil { out.append(row) }
                    }
                }
            }
        }
        return out
    }
}

/// Search state that makes typing fast: results for each shorter query typed so far are kept, so adding a
/// character narrows the last result and deleting one goes back to a kept result without searching.
public struct IncrementalSearch: Sendable, Equatable {
    struct Step: Sendable, Equatable {
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

    public static func == (a: IncrementalSearch, b: IncrementalSearch) -> Bool { a.query == b.query && a.steps == b.steps }
}
