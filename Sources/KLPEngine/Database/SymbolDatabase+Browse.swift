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

/// Browsing for the TUI: every distinct name is stored once in one newline-separated buffer, so a substring
/// search is a single memchr/memcmp pass over it (about 8 MB for a full distribution database), and Strings
/// are made only for the hits the caller asks for.
extension SymbolDatabase {
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
    /// An empty needle matches every name.
    public func nameIDs(containing needle: String, ignoringCase: Bool = false, limit: Int = .max)
        -> [SymbolNameID]
    {
        let table = contents.symbols.names
        var pattern = Array(needle.utf8)
        // Names never contain a newline, so such a needle matches nothing.
        if pattern.contains(10) || limit <= 0 { return [] }
        if pattern.isEmpty { return Array(allNameIDs.prefix(limit)) }
        var haystack = table.bytes
        if ignoringCase {
            pattern = pattern.map(Self.foldASCII)
            // One folded copy per search: a pass over the name bytes, cheaper than folding inside the scan.
            haystack = haystack.map(Self.foldASCII)
        }
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
                    let nameEnd = Int(starts[id]) + table.length(Int32(id))
                    offset = nameEnd + 1
                }
            }
        }
        return result
    }

    @inline(__always)
    private static func foldASCII(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
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
