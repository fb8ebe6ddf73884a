// Questions the conversion asks of the database for its decisions, answered from the name chains without building
// `DatabaseCandidate`s: a distribution database can name one symbol thousands of times, and a plan asks about
// every undefined name of the patch. The candidates themselves are built only when something shows them.

extension SymbolDatabase {
    /// Whether a name is on no line, on exactly one (then in which object), or on several.
    public enum Occurrence: Equatable, Sendable {
        case none
        case once(object: String)
        case several
    }

    /// Where `name` occurs, reading at most two lines of its chain (`candidates(named:).count` capped at 2).
    public func occurrence(of name: String) -> Occurrence {
        guard let id = contents.symbols.names.find(name) else { return .none }
        let head = contents.symbols.nameHead[Int(id)]
        guard head >= 0 else { return .none }
        guard contents.symbols.nextSameName[Int(head)] < 0 else { return .several }
        return .once(object: contents.objects.names[Int(contents.symbols.object[Int(head)])])
    }
}
