// TEMPORARY simple reader used by the lead while the real one is built on branch `db`; replaced at merge.
public enum DatabaseOrder: Sendable, Equatable { case kallsyms, nameSorted }

public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let line: Int?
    public let message: String
    public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}

public struct DatabaseCandidate: Hashable, Sendable {
    public let object: String
    public let name: String
    public let position: Int
    public let copiesInObject: Int
    public let file: String?
    public let line: Int
}

public final class SymbolDatabase: @unchecked Sendable {
    public let path: String
    public let order: DatabaseOrder
    private var entries: [String: [DatabaseCandidate]] = [:]
    private var exports: [String: [String]] = [:]
    public private(set) var objectNames: [String] = []
    public var symbolCount: Int { entries.values.reduce(0) { $0 + $1.count } }

    init(path: String, order: DatabaseOrder) { self.path = path; self.order = order }

    public static func load(path: String, only names: Set<String>? = nil, symvers: [String] = []) throws -> SymbolDatabase {
        let bytes = try FileIO.readAll(path: path)
        return try parse(bytes: bytes, path: path)
    }

    public static func parse(bytes: [UInt8], path: String, only: Set<String>? = nil) throws -> SymbolDatabase {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix("klp-convert-symbol-data.0.1") else {
            throw DatabaseError(path: path, line: 1, message: "Symbol list is in unknown format")
        }
        var ordered = first.contains("order=kallsyms")
        var object: String?
        var file: String?
        var raw: [(String, String, String?, Int)] = []
        var exports: [String: [String]] = [:]
        var objects: [String] = []
        for (i, l) in lines.enumerated().dropFirst() {
            if l.hasPrefix("*") { object = String(l.dropFirst()).replacing("-", with: "_"); objects.append(object!); file = nil; continue }
            guard let obj = object else { throw DatabaseError(path: path, line: i + 1, message: "symbol before the first object") }
            if l.hasPrefix("-") { file = String(l.dropFirst()); ordered = true; continue }
            if l.hasPrefix("__ksymtab_") { exports[String(l.dropFirst(10)), default: []].append(obj); continue }
            if l.hasPrefix("__export_symbol_") { exports[String(l.dropFirst(16)), default: []].append(obj); continue }
            raw.append((obj, l, file, i + 1))
        }
        let db = SymbolDatabase(path: path, order: ordered ? .kallsyms : .nameSorted)
        var counts: [String: Int] = [:]
        for (o, n, _, _) in raw { counts[o + "\u{0}" + n, default: 0] += 1 }
        var seen: [String: Int] = [:]
        for (o, n, f, line) in raw {
            let key = o + "\u{0}" + n
            let k = counts[key]!
            seen[key, default: 0] += 1
            db.entries[n, default: []].append(DatabaseCandidate(object: o, name: n, position: k == 1 ? 0 : seen[key]!, copiesInObject: k, file: f, line: line))
        }
        db.exports = exports
        db.objectNames = objects
        return db
    }

    public func hasObject(_ object: String) -> Bool { objectNames.contains(object) }
    public func candidates(named name: String) -> [DatabaseCandidate] { entries[name] ?? [] }
    public func candidates(named name: String, in object: String) -> [DatabaseCandidate] { candidates(named: name).filter { $0.object == object } }
    public func isExported(_ name: String) -> Bool { exports[name] != nil }
    public func exportingObjects(of name: String) -> [String] { exports[name] ?? [] }
}
