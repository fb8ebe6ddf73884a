/// Evidence as text lines, the same in `explain`, `list` and the TUI's detail panel.
public enum EvidenceText {
    /// Said once when no copy has a source file or an address: what to give build-db to get them.
    public static let noEvidenceNote =
        "  note: symbols.klp has no source files or addresses: build it with "
        + "'klp-convert build-db --vmlinux /usr/lib/debug/boot/vmlinux-<ver> --modules "
        + "/usr/lib/debug/lib/modules/<ver>/kernel' (Debian's linux-image-<ver>-dbg) to see path:line per copy, "
        + "or from a kallsyms dump read as root for addresses"

    /// "  vmlinux,2  fs/inode.c:440  ffffffff81300200  (2 of 3 in vmlinux, symbols.klp line 6)" and a
    /// neighbours line.
    public static func copyLines(
        _ c: DatabaseCandidate, _ e: SymbolEvidence, neighbours: Bool,
        suggestion: String? = nil
    ) -> [String] {
        var head = "  \(c.object),\(c.position)"
        head += "  " + (place(c, e) ?? "(file unknown)")
        if let address = e.addressText { head += "  \(address)" }
        let rank = c.copiesInObject > 1 ? "\(c.position) of \(c.copiesInObject)" : "unique"
        head += "  (\(rank) in \(c.object), symbols.klp line \(c.line))"
        if let suggestion { head += "  suggested: \(suggestion)" }
        var lines = [head]
        if neighbours, !e.before.isEmpty || !e.after.isEmpty {
            lines.append(
                "      between " + (e.before.isEmpty ? "(start of \(c.object))" : e.before.joined(separator: ", "))
                    + " | " + (e.after.isEmpty ? "(end of \(c.object))" : e.after.joined(separator: ", ")))
        }
        return lines
    }

    /// "fs/inode.c:440", "fs/inode.c", or nil.
    public static func place(_ c: DatabaseCandidate, _ e: SymbolEvidence) -> String? {
        guard let file = c.file else { return nil }
        return e.declarationLine.map { "\(file):\($0)" } ?? file
    }
}
