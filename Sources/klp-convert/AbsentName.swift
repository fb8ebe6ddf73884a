import KLPEngine

/// What `explain` says about a name symbols.klp does not have: the possible reasons, most specific first, with
/// the names that exist nearby.
enum AbsentName {
    static func explanation(_ name: String, database: SymbolDatabase, path: String) -> [String] {
        let near = NearestNames(of: name, in: database)
        var out = ["\(name): not in \(path). What that can mean:"]
        if !near.renamedCopies.isEmpty {
            let shown = near.renamedCopies.prefix(5).joined(separator: ", ")
            let more = near.renamedCopies.count > 5 ? ", ... (\(near.renamedCopies.count) in all)" : ""
            out.append(
                "  - gcc renamed its copies: \(shown)\(more); the kernel knows only these names, so the "
                    + "patch must use one of them (a clone such as .isra/.constprop has a changed calling convention)")
        }
        if near.nearest.isEmpty {
            out.append("  - a typo: no name of symbols.klp is within 2 edits of it")
        } else {
            let shown = near.nearest.map { "\($0.name) (\($0.distance) edit\($0.distance == 1 ? "" : "s"))" }
            out.append("  - a typo: nearest names: " + shown.joined(separator: ", "))
        }
        out.append(
            "  - inlined: a static function gcc inlined into every caller has no symbol of its own; patch its "
                + "callers instead")
        out.append(
            "  - dropped by the loader: a module keeps only the symbols its loader keeps (no __ksymtab or "
                + "discarded .init/.exit symbols), and kallsyms shows nothing else")
        out.append(
            "  - a stripped module or a missing one: build-db from a module tree without symbol tables, or "
                + "without that module, does not know its statics (point --modules at the -dbg tree)")
        return out
    }
}
