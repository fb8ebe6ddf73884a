/// What the line order inside an object block of symbols.klp means (DECISIONS 1).
public enum DatabaseOrder: Sendable, Equatable {
    /// Line order within an object is the kernel's kallsyms walk order: positions computed from it are real.
    case kallsyms
    /// kbuild's `nm` output, sorted by name: homonyms are adjacent and which copy is which cannot be told,
    /// so a position can only be checked against the number of copies.
    case nameSorted
}

/// Why a file was judged ordered or name-sorted; shown to the user next to any position decision.
public enum DatabaseOrderReason: Sendable, Equatable, CustomStringConvertible {
    /// The header line carries the attribute `order=kallsyms` (written by the project's database builder).
    case headerAttribute
    /// The header is `klp-convert-symbol-data.0.2`, which only ordered builders write.
    case formatVersion02
    /// A `-<file>` marker: only an ordered builder can say which source file a symbol came from.
    case fileMarker(line: Int)
    /// A symbol line sorts before the previous one of its object block, so the file is not `nm` output.
    case unsortedObject(object: String, line: Int)
    /// Every object block is in byte-wise ascending name order, as `nm` prints it.
    case everyObjectNameSorted
    /// Out of byte order, but every object block is in a locale's name order: `nm` run without LC_COLLATE=C.
    case localeSorted(object: String, line: Int)

    public var description: String {
        switch self {
        case .headerAttribute:
            return "the header line says order=kallsyms"
        case .formatVersion02:
            return "the header is klp-convert-symbol-data.0.2"
        case .fileMarker(let line):
            return "line \(line) is a source-file marker, which only ordered files carry"
        case .unsortedObject(let object, let line):
            return "line \(line) (object \(object)) is out of name order, so the file is not nm output"
        case .localeSorted(let object, let line):
            return "line \(line) (object \(object)) is out of byte order but in a locale's name order (nm run "
                + "without LC_COLLATE=C): the order of same-named symbols is unknown"
        case .everyObjectNameSorted:
            return "every object block is sorted by name (nm output): the order of same-named symbols is unknown"
        }
    }
}
