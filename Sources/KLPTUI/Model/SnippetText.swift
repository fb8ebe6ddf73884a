import KLPEngine

// The annotation text the snippet screen shows and saves: the engine's KLP_MODULE_RELOC blocks for every
// annotated or chosen symbol, with a comment naming what still needs a decision.

enum SnippetText {
    static func text(plan: ConversionPlan, objectName: String) -> String {
        var out = "/* KLP_MODULE_RELOC annotations for \(CSnippet.commentSafe(objectName)), from klp-convert tui */\n"
        let body = CSnippet.snippet(for: plan)
        out += body.isEmpty ? "/* no annotated or chosen symbols yet */\n" : body
        let open = plan.symbols.filter { $0.status == .ambiguous }
        if !open.isEmpty {
            out += "/* still ambiguous: "
            out += open.map { "\(CSnippet.commentSafe($0.name)) (\($0.candidates.count) candidates)" }.joined(
                separator: ", ")
            out += " */\n"
        }
        return out
    }
}
