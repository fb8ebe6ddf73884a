import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Tab in a file-name prompt, as a shell completes: the longest common start of the names in the typed folder
// that begin with what was typed after the last `/`; a folder gets its `/`. The listing is the only I/O and is
// passed in, so the rule is tested without a file system.

public struct PathCompletion: Sendable, Equatable {
    /// The text after completion (unchanged when nothing or nothing more can be added).
    public var text: String
    /// Every name that matched when there was more than one (folders end in `/`), sorted.
    public var matches: [String]

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var isFolder: Bool
        public init(name: String, isFolder: Bool) {
            self.name = name
            self.isFolder = isFolder
        }
    }

    public static func complete(_ text: String, listing: (String) -> [Entry]) -> PathCompletion {
        let slash = text.lastIndex(of: "/")
        let folder = slash.map { String(text[...$0]) } ?? ""
        let start = slash.map { String(text[text.index(after: $0)...]) } ?? text
        // Hidden names only when a dot was typed, as shells do.
        let entries = listing(folder.isEmpty ? "." : folder).filter {
            $0.name != "." && $0.name != ".." && $0.name.hasPrefix(start)
                && (start.hasPrefix(".") || !$0.name.hasPrefix("."))
        }
        guard let first = entries.first else { return PathCompletion(text: text, matches: []) }
        if entries.count == 1 {
            return PathCompletion(text: folder + first.name + (first.isFolder ? "/" : ""), matches: [])
        }
        var common = Array(first.name.unicodeScalars)
        for e in entries.dropFirst() {
            let other = Array(e.name.unicodeScalars)
            var n = 0
            while n < common.count, n < other.count, common[n] == other[n] { n += 1 }
            common.removeSubrange(n...)
        }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: common)
        let names = entries.map { $0.name + ($0.isFolder ? "/" : "") }.sorted()
        return PathCompletion(text: folder + String(prefix), matches: names)
    }

    /// The names in `folder` (empty when it cannot be read: completion then offers nothing). A link counts as a
    /// folder when it leads to one, as does a name whose type the file system did not report.
    public static func list(_ folder: String) -> [Entry] {
        guard let entries = try? Directory.entries(folder) else { return [] }
        return entries.map { entry in
            var isFolder = entry.kind == .folder
            if entry.kind == .symbolicLink || entry.kind == .unknown {
                var st = stat()
                isFolder = stat(folder + "/" + entry.name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            return Entry(name: entry.name, isFolder: isFolder)
        }
    }
}
