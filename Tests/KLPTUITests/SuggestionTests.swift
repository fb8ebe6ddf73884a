import Foundation
import KLPEngine
import Testing

@testable import KLPTUI

/// The picker's evidence and the patch's suggestions in the inspector, on the bundled example: its klp_func
/// table patches s_next #1 (kallsyms.c), so s_start #1 (kallsyms.c) is suggested; a and A accept, x undoes.
@Suite struct SuggestionTests: ExampleReducerSuite {
    let example: ExampleReducer

    init() throws { example = try ExampleReducer() }

    func select(_ name: String, _ state: inout AppState) {
        let row = state.visibleSymbols.firstIndex { state.plan.symbols[$0].name == name }!
        state.symbolList.cursor = row
    }

    @Test func theExamplesTablesSuggestTheCopyInThePatchedFunctionsFile() throws {
        let s = try #require(workspace.evidence.suggestion(for: "s_start"))
        #expect(s.candidate.object == "vmlinux" && s.candidate.position == 1)
        #expect(s.reason == "same file as patched s_next: kallsyms.c")
        #expect(workspace.evidence.hasAny)
    }

    @Test func aAcceptsTheSuggestionAsAChoiceThatXUndoes() {
        var state = reducer.initialState(size: size)
        select("s_start", &state)
        _ = reducer.reduce(&state, .command(.acceptSuggestion))
        #expect(state.choices["s_start"] == SymbolTarget(object: "vmlinux", position: 1))
        #expect(state.plan.symbol(named: "s_start")?.status == .chosen)
        #expect(state.message?.text.contains("same file as patched s_next") == true)
        _ = reducer.reduce(&state, .command(.clearChoice))
        #expect(state.choices["s_start"] == nil)
        #expect(state.plan.symbol(named: "s_start")?.status == .ambiguous)
    }

    @Test func capitalAAcceptsEverySuggestionOfAnUndecidedSymbolOnly() {
        var state = reducer.initialState(size: size)
        state.choices["init_once"] = SymbolTarget(object: "nfs", position: 0)
        reducer.replan(&state)
        _ = reducer.reduce(&state, .command(.acceptAllSuggestions))
        // init_once keeps the user's choice; s_start takes its suggestion.
        #expect(state.choices["init_once"] == SymbolTarget(object: "nfs", position: 0))
        #expect(state.choices["s_start"] == SymbolTarget(object: "vmlinux", position: 1))
        #expect(state.message?.text.hasPrefix("accepted 1 suggestion: s_start") == true)
    }

    @Test func theDetailPanelShowsTheHighlightedCopysEvidence() {
        var state = reducer.initialState(size: size)
        select("s_start", &state)
        _ = reducer.reduce(&state, .command(.select))
        #expect(state.focus == .candidates)
        let text = Renderer(workspace: workspace).render(state).text
        #expect(text.contains("s_start: vmlinux,1"))
        #expect(text.contains("source   kallsyms.c"))
        #expect(text.contains("before   vprintk_emit, console_unlock, kallsyms_lookup_name"))
        #expect(text.contains("after    s_next, s_show, s_stop"))
        #expect(text.contains("» this copy: same file as patched s_next: kallsyms.c"))
        #expect(text.contains("(a accepts)"))
        #expect(text.contains("» kallsyms.c"))
    }

    @Test func aDatabaseWithoutFilesSaysHowToGetThem() throws {
        let bare =
            String(decoding: BundledExample.database, as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("-") }.joined(separator: "\n") + "\n"
        let database = try SymbolDatabase.parse(bytes: Array(bare.utf8), path: "bare.klp")
        let object = try ELFObject(bytes: BundledExample.object, path: BundledExample.objectName)
        var workspace = Workspace(
            objectName: "example.o", databaseName: "bare.klp", object: object, database: database,
            defaultOutputPath: "out.ko")
        workspace.evidence = try Array(bare.utf8).withUnsafeBytes { raw in
            try CandidateEvidence.gather(
                object: object, targets: workspace.patchTargets, database: database, bytes: raw, path: "bare.klp")
        }
        #expect(!workspace.evidence.hasAny)
        let reducer = Reducer(workspace: workspace)
        var state = reducer.initialState(size: size)
        _ = reducer.reduce(&state, .command(.select))
        let text = Renderer(workspace: workspace).render(state).text
        #expect(text.contains("symbols.klp has no source files or addresses"))
        #expect(text.contains("build-db --vmlinux"))
    }
}
