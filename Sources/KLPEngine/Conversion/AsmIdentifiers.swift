/// The C identifiers given to symbol names that are not identifiers (`foo.constprop.0` is declared as
/// `extern char klp_sym_foo_constprop_0[] __asm__("foo.constprop.0");`), shared by every block of one paste:
/// different names that map to one identifier (`a.b` and `a$b`) get numbered ones, so no identifier is
/// declared with two asm labels (gcc only warns, then uses the first label for both), and one name keeps its
/// identifier in every block.
public struct AsmIdentifiers: Sendable {
    private var byName: [String: String] = [:]
    private var used: Set<String>

    /// `names`: every symbol name of the paste; those written as they are cannot be taken by a declaration.
    public init(names: some Sequence<String>) {
        used = Set(names.filter(CSnippet.isIdentifier))
    }

    public mutating func identifier(for name: String) -> String {
        if let known = byName[name] { return known }
        let base = CSnippet.identifier(for: name)
        var id = base
        var n = 2
        while used.contains(id) {
            id = base + "_\(n)"
            n += 1
        }
        used.insert(id)
        byName[name] = id
        return id
    }
}
