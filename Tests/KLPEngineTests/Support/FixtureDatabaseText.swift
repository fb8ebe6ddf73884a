import Foundation
import KLPEngine

/// A minimal, independent reading of the fixture symbols.klp files, used only to check that the
/// fixtures agree with each other (the engine has its own, complete parser).
enum FixtureDatabaseText {
    struct Entry: Equatable {
        var name: String
        var file: String  // the last "-file" marker of the block, "" when none
    }

    struct Malformed: Error, CustomStringConvertible {
        let path: String
        let line: Int
        let problem: String
        var description: String { "\(path):\(line): \(problem)" }
    }

    /// Object name → its symbol lines in file order.
    static func load(_ url: URL) throws -> [String: [Entry]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix("klp-convert-symbol-data.0.1") else {
            throw Malformed(path: url.path, line: 1, problem: "missing klp-convert-symbol-data.0.1 header")
        }
        var blocks: [String: [Entry]] = [:]
        var object: String?
        var file = ""
        for (offset, line) in lines.enumerated().dropFirst() {
            if line.hasPrefix("*") {
                // kbuild's module-name rule ('-' in a file name is '_' in the module name) is the engine's.
                object = KLPNames.normalizeObject(String(line.dropFirst()))
                file = ""
                blocks[object ?? "", default: []] = blocks[object ?? ""] ?? []
            } else if line.hasPrefix("-") {
                file = String(line.dropFirst())
            } else if let object, !line.isEmpty {
                blocks[object, default: []].append(Entry(name: line, file: file))
            } else {
                throw Malformed(path: url.path, line: offset + 1, problem: "symbol line outside an object or empty")
            }
        }
        return blocks
    }
}
