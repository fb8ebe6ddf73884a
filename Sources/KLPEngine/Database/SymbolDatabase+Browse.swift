#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A distinct symbol name of the database, numbered in order of first appearance in symbols.klp.
public struct SymbolNameID: Hashable, Comparable, Sendable {
    public let rawValue: Int32
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Every kept symbol line of a database by column, for indexing all lines without a DatabaseCandidate (and its
/// Strings) per line: the TUI's search index is built from this, so it shows exactly the parser's records.
/// Line `r` here is `candidate(atIndex: r)`. The arrays are the database's own (shared, not copied).
public struct SymbolLineColumns: Sendable {
    /// The name of each line, as an index into the name table below (a `SymbolNameID` raw value).
    public let nameIDs: [Int32]
    /// Every distinct name once, each followed by "\n"; name `k` is `nameStarts[k]..<nameStarts[k] + nameLengths[k]`.
    public let nameBytes: [UInt8]
    public let nameStarts: [UInt32]
    public let nameLengths: [UInt32]
}

/// Browsing a database line by line and name by name (the TUI's database screen, the benchmarks, the fuzzer):
/// every distinct name is stored once in one newline-separated buffer, so a substring search is a single
/// memchr/memcmp pass over it (about 8 MB for a full distribution database), and Strings are made only for the
/// hits the caller asks for.
extension SymbolDatabase {
    /// The kept symbol lines by column (see `SymbolLineColumns`).
    public var lineColumns: SymbolLineColumns {
        let names = contents.symbols.names
        return SymbolLineColumns(
            nameIDs: contents.symbols.name, nameBytes: names.bytes, nameStarts: names.starts,
            nameLengths: names.lengths)
    }

    /// Number of distinct symbol names kept.
    public var uniqueNameCount: Int { contents.symbols.names.count }

    public var allNameIDs: [SymbolNameID] {
        (0..<Int32(uniqueNameCount)).map(SymbolNameID.init(rawValue:))
    }

    public func nameID(of name: String) -> SymbolNameID? {
        contents.symbols.names.find(name).map(SymbolNameID.init(rawValue:))
    }

    public func name(of id: SymbolNameID) -> String {
        contents.symbols.names.string(id.rawValue)
    }

    /// Lines naming this symbol, over all objects.
    public func lineCount(of id: SymbolNameID) -> Int {
        var count = 0
        var record = contents.symbols.nameHead[Int(id.rawValue)]
        while record >= 0 {
            count += 1
            record = contents.symbols.nextSameName[Int(record)]
        }
        return count
    }

    public func candidates(for id: SymbolNameID) -> [DatabaseCandidate] {
        let name = name(of: id)
        var result: [DatabaseCandidate] = []
        var record = contents.symbols.nameHead[Int(id.rawValue)]
        while record >= 0 {
            result.append(candidate(record: Int(record), name: name))
            record = contents.symbols.nextSameName[Int(record)]
        }
        return result
    }

    /// The symbol line number `index` (0..<symbolCount) in file order.
    public func candidate(atIndex index: Int) -> DatabaseCandidate {
        candidate(record: index)
    }

    /// Every symbol line of one object, in file order.
    public func candidates(inObject object: String) -> [DatabaseCandidate] {
        guard let owner = objectIndex(object), Int(owner) < contents.symbols.objectHead.count else { return [] }
        var result: [DatabaseCandidate] = []
        var record = contents.symbols.objectHead[Int(owner)]
        while record >= 0 {
            result.append(candidate(record: Int(record)))
            record = contents.symbols.nextSameObject[Int(record)]
        }
        return result
    }

    /// Distinct names containing `needle` (ASCII case folded when `ignoringCase`), in id order, at most `limit`.
    /// An empty needle matches every name. A case-folded search folds every name first: to search on every
    /// keystroke, make one `SymbolNameSearch` and query it instead.
    public func nameIDs(containing needle: String, ignoringCase: Bool = false, limit: Int = .max)
        -> [SymbolNameID]
    {
        SymbolNameSearch(self, ignoringCase: ignoringCase).nameIDs(containing: needle, limit: limit)
    }
}

/// Substring search over every distinct name of a database. Holds the name buffer (shared, not copied) or, for
/// case-insensitive search, one ASCII-folded copy made at init, so repeated queries cost one scan each.
public struct SymbolNameSearch: Sendable {
    public let database: SymbolDatabase
    public let ignoringCase: Bool
    private let haystack: [UInt8]

    public init(_ database: SymbolDatabase, ignoringCase: Bool = false) {
        self.database = database
        self.ignoringCase = ignoringCase
        let names = database.contents.symbols.names.bytes
        haystack = ignoringCase ? Self.folded(names) : names
    }

    /// Names containing `needle`, in id order (first appearance in symbols.klp), at most `limit`.
    public func nameIDs(containing needle: String, limit: Int = .max) -> [SymbolNameID] {
        var pattern = Array(needle.utf8)
        // Names never contain a newline, so such a needle matches nothing.
        if pattern.contains(10) || limit <= 0 { return [] }
        if pattern.isEmpty { return Array(database.allNameIDs.prefix(limit)) }
        if ignoringCase { pattern = Self.folded(pattern) }
        let table = database.contents.symbols.names
        let starts = table.starts
        var result: [SymbolNameID] = []
        haystack.withUnsafeBytes { hay in
            pattern.withUnsafeBytes { pat in
                guard let hayBase = hay.baseAddress, let patBase = pat.baseAddress else { return }
                let first = Int32(pat[0])
                let patternLength = pat.count
                var offset = 0
                while offset + patternLength <= hay.count {
                    guard let found = memchr(hayBase + offset, first, hay.count - offset - patternLength + 1)
                    else { break }
                    let at = UnsafeRawPointer(found) - hayBase
                    if memcmp(hayBase + at, patBase, patternLength) != 0 {
                        offset = at + 1
                        continue
                    }
                    // Map the hit to its name (largest start <= at), record it, then skip past that name.
                    let id = Self.lastIndex(in: starts, atMost: UInt32(at))
                    result.append(SymbolNameID(rawValue: Int32(id)))
                    if result.count >= limit { return }
                    offset = Int(starts[id]) + table.length(Int32(id)) + 1
                }
            }
        }
        return result
    }

    /// ASCII upper case to lower case; other bytes (including UTF-8 sequences) unchanged.
    private static func folded(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where buffer[index] &- 65 < 26 { buffer[index] |= 0x20 }
        }
        return copy
    }

    /// Binary search: index of the last element <= value (starts[0] is 0, so one always exists).
    private static func lastIndex(in starts: [UInt32], atMost value: UInt32) -> Int {
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= value { low = middle } else { high = middle }
        }
        return low
    }
}
