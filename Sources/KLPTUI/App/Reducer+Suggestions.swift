import KLPEngine

// Accepting the patch's suggestions (issue 12): a suggestion becomes an ordinary choice, shown as `chosen` and
// undone with x like any other. Nothing is chosen without a key press (DECISIONS 7).

extension Reducer {
    func acceptSuggestion(for name: String, _ state: inout AppState) {
        guard let copy = workspace.evidence.suggestion(for: name) else {
            state.message = StatusMessage(text: "\(name): the patch suggests no copy", isError: false)
            return
        }
        let target = SymbolTarget(object: copy.candidate.object, position: copy.candidate.position)
        state.choices[name] = target
        replan(&state)
        state.message = StatusMessage(
            text: "\(name) → \(target) (suggested: \(copy.reason ?? "")); x undoes",
            isError: false)
    }

    /// Every symbol still ambiguous whose suggestion exists; choices already made are kept.
    func acceptAllSuggestions(_ state: inout AppState) {
        var accepted: [String] = []
        for symbol in state.plan.symbols where symbol.status == .ambiguous && state.choices[symbol.name] == nil {
            guard let copy = workspace.evidence.suggestion(for: symbol.name) else { continue }
            state.choices[symbol.name] = SymbolTarget(object: copy.candidate.object, position: copy.candidate.position)
            accepted.append(symbol.name)
        }
        guard !accepted.isEmpty else {
            state.message = StatusMessage(text: "no undecided symbol has a suggestion", isError: false)
            return
        }
        replan(&state)
        state.message = StatusMessage(
            text: "accepted \(accepted.count) suggestion\(accepted.count == 1 ? "" : "s"): "
                + accepted.joined(separator: ", ") + "; x undoes each", isError: false)
    }
}
