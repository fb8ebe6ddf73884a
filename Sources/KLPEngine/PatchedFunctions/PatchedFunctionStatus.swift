/// What symbols.klp says about one function a livepatch replaces (DECISIONS 8), the same verdict the kernel's
/// `klp_find_object_symbol()` reaches when the patch is enabled.
public struct PatchedFunctionStatus: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// `old_sympos` names one copy: 0 for a unique name, 1..k for one of k copies.
        case ok
        /// `old_sympos` 0 for a name with several copies ("unresolvable ambiguity").
        case ambiguous
        /// `old_sympos` beyond the copies ("symbol position N ... not found").
        case invalid
        /// No copy of `old_name` in the object, or no such object in symbols.klp.
        case missing
    }

    public var function: PatchedFunction
    public var verdict: Verdict
    /// False when symbols.klp has no block for the object: for a module that is a warning (it may be loaded
    /// later), for vmlinux an error.
    public var objectKnown: Bool
    /// The copies of `old_name` in its object, in file order (kallsyms order in an ordered database).
    public var copies: [DatabaseCandidate]
    /// For a missing name: the object's names closest to it, best first.
    public var nearestNames: [String]

    /// "funcs[1] of objs[0] (vmlinux)": the entry in the patch source, for messages.
    public var place: String {
        "\(function.functionArray)[\(function.functionIndex)] of "
            + "\(function.objectArray)[\(function.objectIndex)] (\(function.object))"
    }

    /// The copy the entry selects, when it selects exactly one.
    public var selected: DatabaseCandidate? {
        guard verdict == .ok else { return nil }
        return function.position == 0 ? copies.first : copies.first { $0.position == function.position }
    }
}
