/// The source edit a choice of copy asks for: the `klp_func` entry replacing `old_name` gets `.old_sympos = N`.
/// The binary is never changed (DECISIONS 7: a person decides, and the patch source says so).
public enum OldSymposEdit {
    /// `.old_sympos = 17,` with the copy's place in a comment.
    public static func line(position: Int, copy: CopyEvidence?) -> String {
        line(position: position, place: copy?.place)
    }

    /// `.old_sympos = 17,` with `place` (a file, or file:line) in a comment that a `*/` in it cannot close.
    static func line(position: Int, place: String?) -> String {
        "\t.old_sympos = \(position)," + (place.map { "\t/* \(CSnippet.commentSafe($0)) */" } ?? "")
    }

    /// The edits for every chosen entry (by index into `functions`), and a comment naming the entries still
    /// undecided; empty when the patch has no entry that needs or has a choice.
    public static func text(
        functions: [PatchedFunctionStatus], choices: [Int: Int], evidence: [[CopyEvidence]]
    ) -> String {
        var out = ""
        var open: [String] = []
        for (i, f) in functions.enumerated() {
            let name = CSnippet.commentSafe(f.function.name)
            let entry = "\(CSnippet.commentSafe(f.place)): the klp_func with .old_name = \"\(name)\""
            if let position = choices[i] {
                let copy = i < evidence.count ? evidence[i].first { $0.candidate.position == position } : nil
                let was = f.function.position == position ? "" : " (currently .old_sympos = \(f.function.position))"
                out += "/* \(entry)\(was) */\n" + line(position: position, copy: copy) + "\n"
            } else if f.verdict == .ambiguous || f.verdict == .invalid {
                open.append("\(name) in \(CSnippet.commentSafe(f.place)), \(f.verdict.rawValue)")
            }
        }
        if !open.isEmpty { out += "/* old_sympos still to decide: \(open.joined(separator: "; ")) */\n" }
        return out
    }
}
