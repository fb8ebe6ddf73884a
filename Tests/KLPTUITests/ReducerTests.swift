import Foundation
import KLPEngine
import Testing

@testable import KLPTUI

// State and reducer without a terminal: actions in, state and effects out.

@Suite struct ReducerTests: ExampleReducerSuite {
    let example: ExampleReducer

    init() throws { example = try ExampleReducer() }

    func names(_ state: AppState) -> [String] { state.visibleSymbols.map { state.plan.symbols[$0].name } }

    @Test func startsOnTheFirstAmbiguousSymbolWithTheListInOrderOfAttention() {
        let state = reducer.initialState(size: size)
        // Errors, ambiguous, annotated or chosen, automatic; the exported printk is folded into the last row.
        #expect(
            names(state) == [
                "klp_example_missing_helper", "init_once", "s_start", "state_show", "saved_command_line",
                "xfs_log_force",
            ])
        #expect(state.symbolRows.last == .exportGroup(count: 1))
        #expect(state.selectedSymbol?.name == "init_once")
        #expect(state.selectedSymbol?.status == .ambiguous)
        #expect(state.plan.diagnostics.errors.count == 3)
    }

    @Test func pickingACandidateReplansAtOnce() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .candidates)
        #expect(state.candidateList.cursor == 0)
        _ = reducer.reduce(&state, .command(.moveDown))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.choices == ["init_once": SymbolTarget(object: "vmlinux", position: 2)])
        let s = state.plan.symbol(named: "init_once")
        #expect(s?.status == .chosen)
        #expect(s?.newName == ".klp.sym.vmlinux.init_once,2")
        #expect(state.plan.diagnostics.errors.count == 2)
        #expect(state.hasUnsavedChoices)
        #expect(state.selectedSymbol?.name == "init_once")
        #expect(state.message?.text.contains("init_once → vmlinux,2") == true)
    }

    @Test func pickingTheModuleCopyWarnsAboutReadOnlyMemory() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.select))
        _ = reducer.reduce(&state, .command(.moveEnd))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.choices["init_once"] == SymbolTarget(object: "nfs", position: 0))
        #expect(state.plan.diagnostics.warnings.contains { $0.message.contains("read-only") })
    }

    @Test func clearingAChoiceRestoresTheAmbiguity() {
        var state = reducer.initialState(
            size: size, choices: ["init_once": SymbolTarget(object: "vmlinux", position: 1)])
        #expect(state.plan.symbol(named: "init_once")?.status == .chosen)
        #expect(state.selectedSymbol?.name == "s_start")
        _ = reducer.reduce(&state, .command(.moveDown))
        #expect(state.selectedSymbol?.name == "init_once")
        #expect(state.hasUnsavedChoices == false)
        _ = reducer.reduce(&state, .command(.clearChoice))
        #expect(state.choices.isEmpty)
        #expect(state.plan.symbol(named: "init_once")?.status == .ambiguous)
    }

    @Test func filterMatchesNamesAndCandidateFiles() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.filter))
        #expect(state.filterEditing)
        for c in "s_" { _ = reducer.reduce(&state, .insertText(String(c))) }
        #expect(names(state) == ["s_start", "xfs_log_force"])
        _ = reducer.reduce(&state, .clearInput)
        for c in "FAT_" { _ = reducer.reduce(&state, .insertText(String(c))) }  // a candidate's file, any case
        #expect(names(state) == ["init_once"])
        _ = reducer.reduce(&state, .cancelInput)
        #expect(state.filter.isEmpty)
        #expect(state.symbolRows.count == 7)
    }

    @Test func filterInThePickerNarrowsTheCandidatesNotTheSymbols() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .candidates)
        _ = reducer.reduce(&state, .command(.filter))
        #expect(state.filterField == .candidates)
        for c in "INODE" { _ = reducer.reduce(&state, .insertText(String(c))) }  // files, any case
        #expect(state.symbolRows.count == 7)
        #expect(state.filter.isEmpty)
        let files = state.visibleCandidates.map { state.selectedSymbol?.candidates[$0].file }
        #expect(files == ["inode.c", "fat_inode.c", "inode.c"])
        _ = reducer.reduce(&state, .submitInput)
        // n / N walk the matches, wrapping around.
        _ = reducer.reduce(&state, .command(.nextMatch))
        _ = reducer.reduce(&state, .command(.nextMatch))
        #expect(state.selectedCandidate?.object == "nfs")
        _ = reducer.reduce(&state, .command(.nextMatch))
        #expect(state.selectedCandidate?.file == "inode.c" && state.selectedCandidate?.object == "vmlinux")
        _ = reducer.reduce(&state, .command(.previousMatch))
        #expect(state.selectedCandidate?.object == "nfs")
        // Enter picks the candidate under the cursor of the filtered list.
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.choices["init_once"] == SymbolTarget(object: "nfs", position: 0))
        // Esc clears the picker's filter first, then leaves the picker.
        _ = reducer.reduce(&state, .command(.back))
        #expect(state.candidateFilter.isEmpty && state.focus == .candidates)
        #expect(state.selectedCandidate?.object == "nfs")
        _ = reducer.reduce(&state, .command(.back))
        #expect(state.focus == .symbols)
    }

    @Test func nWithoutAFilterSaysWhereTheNextSymbolToDecideWent() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.nextMatch))
        #expect(state.selectedSymbol?.name == "init_once")
        #expect(state.message?.text.contains("] and [ go to the next and previous symbol to decide") == true)
        #expect(Keymap.standard.command(for: .character("]"), contexts: [.symbols, .global]) == .nextProblem)
        #expect(Keymap.standard.command(for: .character("n"), contexts: [.candidates, .global]) == .nextMatch)
    }

    @Test func exportedSymbolsFoldIntoOneRowThatETogglesAndEnterOpens() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.moveEnd))
        #expect(state.selectedSymbol == nil)
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.exportsExpanded)
        #expect(names(state).last == "printk")
        _ = reducer.reduce(&state, .command(.moveEnd))
        #expect(state.selectedSymbol?.name == "printk")
        // Enter on an exported symbol explains instead of opening a picker.
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .symbols)
        #expect(state.message?.text.contains("nothing to decide") == true)
        _ = reducer.reduce(&state, .command(.toggleExports))
        #expect(!state.exportsExpanded && !names(state).contains("printk"))
        #expect(state.symbolRows.count == 7 && state.symbolList.cursor < state.symbolRows.count)
    }

    @Test func nextProblemCyclesThroughUndecidedSymbols() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.nextProblem))
        #expect(state.selectedSymbol?.name == "s_start")
        _ = reducer.reduce(&state, .command(.nextProblem))
        #expect(state.selectedSymbol?.name == "klp_example_missing_helper")
        _ = reducer.reduce(&state, .command(.previousProblem))
        #expect(state.selectedSymbol?.name == "s_start")
    }

    @Test func cursorStaysVisibleWhenPaging() {
        var state = reducer.initialState(size: Size(rows: 16, columns: 60))
        let lines = Layout(size: state.size).symbolLines
        _ = reducer.reduce(&state, .command(.moveEnd))
        #expect(state.symbolList.cursor == 6)
        #expect(state.symbolList.top <= 6 && 6 < state.symbolList.top + lines)
        _ = reducer.reduce(&state, .command(.pageUp))
        #expect(state.symbolList.cursor == max(0, 6 - lines))
        _ = reducer.reduce(&state, .resize(Size(rows: 40, columns: 120)))
        #expect(state.symbolList.top == 0)
    }

    @Test func writingIsRefusedWhileErrorsRemain() {
        var state = reducer.initialState(size: size)
        let effects = reducer.reduce(&state, .command(.writeOutput))
        #expect(effects.isEmpty)
        #expect(state.overlay == nil)
        #expect(state.message?.isError == true)
        #expect(state.message?.text.contains("3 errors") == true)
    }

    @Test func quitAsksWhenChoicesAreUnsaved() {
        var state = reducer.initialState(size: size)
        #expect(reducer.reduce(&state, .command(.quit)) == [.quit])
        state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.select))
        _ = reducer.reduce(&state, .command(.select))
        #expect(reducer.reduce(&state, .command(.quit)).isEmpty)
        #expect(state.overlay == .confirm(.quitUnsaved(count: 1)))
        #expect(reducer.reduce(&state, .answer(false)).isEmpty)
        #expect(state.overlay == nil && !state.quitting)
        _ = reducer.reduce(&state, .choicesSaved(state.choices, path: "x.choices"))
        #expect(reducer.reduce(&state, .command(.quit)) == [.quit])
    }

    @Test func savePromptProducesAnEffectWithTheChoices() {
        var state = reducer.initialState(size: size, choices: ["s_start": SymbolTarget(object: "vmlinux", position: 2)])
        _ = reducer.reduce(&state, .command(.saveChoices))
        guard case .prompt(let p) = state.overlay else {
            Issue.record("no prompt")
            return
        }
        #expect(p.text == "/nonexistent/out.choices")
        _ = reducer.reduce(&state, .clearInput)
        for c in "a.choices" { _ = reducer.reduce(&state, .insertText(String(c))) }
        let effects = reducer.reduce(&state, .submitInput)
        #expect(
            effects == [
                .saveChoices(
                    path: "a.choices", choices: ["s_start": SymbolTarget(object: "vmlinux", position: 2)],
                    overwrite: false)
            ])
        _ = reducer.reduce(&state, .confirmOverwrite(path: "a.choices", purpose: .saveChoices))
        #expect(
            reducer.reduce(&state, .answer(true)) == [
                .saveChoices(
                    path: "a.choices", choices: ["s_start": SymbolTarget(object: "vmlinux", position: 2)],
                    overwrite: true)
            ])
    }

    @Test func problemsPanelJumpsToItsSymbol() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.nextPanel))
        _ = reducer.reduce(&state, .command(.nextPanel))
        #expect(state.focus == .problems)
        _ = reducer.reduce(&state, .command(.moveEnd))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .symbols)
        #expect(state.selectedSymbol?.name == "s_start")
    }

    @Test func databaseSearchJumpsToTheCandidate() {
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.showDatabase))
        #expect(state.screen == .database && state.filterEditing)
        for c in "s_st" { _ = reducer.reduce(&state, .insertText(String(c))) }
        #expect(state.databaseSearch.count == 4)  // s_start x3, s_stop
        _ = reducer.reduce(&state, .insertText("a"))
        #expect(state.databaseSearch.count == 3)
        _ = reducer.reduce(&state, .submitInput)
        _ = reducer.reduce(&state, .command(.moveDown))
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.screen == .overview)
        #expect(state.focus == .candidates)
        #expect(state.selectedSymbol?.name == "s_start")
        #expect(state.candidateList.cursor == 1)
        #expect(state.selectedSymbol?.candidates[1].file == "trace.c")
    }

    @Test func keymapRoutesTypingIntoTextFields() {
        var state = reducer.initialState(size: size)
        let keymap = Keymap.standard
        #expect(keymap.action(for: .character("j"), in: state).map { "\($0)" } == "command(KLPTUI.Command.moveDown)")
        state.filterEditing = true
        #expect(keymap.action(for: .character("j"), in: state).map { "\($0)" } == "insertText(\"j\")")
        #expect(keymap.action(for: .down, in: state).map { "\($0)" } == "command(KLPTUI.Command.moveDown)")
        state.filterEditing = false
        state.overlay = .confirm(.quitUnsaved(count: 1))
        #expect(keymap.action(for: .character("y"), in: state).map { "\($0)" } == "answer(true)")
    }

    @Test func everyCommandHasAKeyAndHelp() {
        let keymap = Keymap.standard
        for command in Command.allCases {
            let bound = KeyContext.allCases.contains { !keymap.keys(for: command, in: $0).isEmpty }
            #expect(bound, "\(command) has no key")
            #expect(!command.help.isEmpty)
        }
    }
}
