import KLPEngine
import Testing

@testable import KLPTUI

// The problems panel finds a problem's symbol by the diagnostic's location fields, never by its wording.

@Suite struct ProblemLocationTests: ExampleReducerSuite {
    let example: ExampleReducer

    init() throws { example = try ExampleReducer() }

    /// A state whose problems panel shows only `diagnostic`, with the cursor on it.
    func focusedOn(_ diagnostic: Diagnostic) -> AppState {
        var state = reducer.initialState(size: size)
        state.plan.diagnostics = [diagnostic]
        _ = reducer.reduce(&state, .command(.nextPanel))
        _ = reducer.reduce(&state, .command(.nextPanel))
        #expect(state.focus == .problems)
        return state
    }

    @Test func aMessageWithoutTheNameStillSelectsTheSymbol() throws {
        let names = reducer.initialState(size: size).plan.symbols.map(\.name)
        let target = try #require(names.last)
        #expect(target != reducer.initialState(size: size).selectedSymbol?.name)
        var state = focusedOn(Diagnostic(.error, "something about a relocation", at: .init(symbol: target)))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .symbols)
        #expect(state.selectedSymbol?.name == target)
    }

    /// A message that happens to contain a symbol's name selects nothing when its location names no symbol.
    @Test func aNameInTheTextAloneSelectsNothing() throws {
        let target = try #require(reducer.initialState(size: size).plan.symbols.last?.name)
        let diagnostic = Diagnostic(.error, "Unable to find missing symbol: \(target)", at: .init(section: ".text"))
        var state = focusedOn(diagnostic)
        let before = state.symbolList.cursor
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .problems)
        #expect(state.symbolList.cursor == before)
        #expect(state.message?.text == "This problem names no symbol")
    }

    /// Every diagnostic of the example's plan that is about a planned symbol carries it as a field.
    @Test func theExamplesProblemsNameTheirSymbols() {
        let plan = reducer.initialState(size: size).plan
        let names = Set(plan.symbols.map(\.name))
        #expect(!plan.diagnostics.isEmpty)
        for d in plan.diagnostics {
            let symbol = d.location?.symbol
            #expect(symbol.map(names.contains) == true, "\(d.message): location \(String(describing: d.location))")
        }
    }
}
