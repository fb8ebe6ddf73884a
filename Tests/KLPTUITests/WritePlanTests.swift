import Foundation
import KLPEngine
import KLPTestSupport
import Testing

@testable import KLPTUI

// Writing the converted object: the write carries the plan the user saw, costs no plan of its own (also not
// through the overwrite question), and reuses the preview's applied object.

@Suite struct WritePlanTests {
    let size = Size(rows: 24, columns: 80)
    let choices = [
        "init_once": SymbolTarget(object: "vmlinux", position: 3),
        "s_start": SymbolTarget(object: "vmlinux", position: 2),
    ]

    /// A whole session (preview, write, overwrite question, yes) plans exactly once: when the state is made.
    @Test func oneWriteMakesNoPlanOfItsOwn() throws {
        let dir = try TemporaryDirectory.make("oneplan")
        defer { TemporaryDirectory.remove(dir) }
        let out = "\(dir)/out.ko"
        try "keep me".write(toFile: out, atomically: true, encoding: .utf8)
        let workspace = try TUIFixtures.complete(in: dir, output: out)
        let runner = AppRunner(workspace: workspace)
        let state = runner.reducer.initialState(size: size, choices: choices)
        #expect(workspace.plansMade.count == 1)
        var terminal = ScriptedTerminal(size: size, keys: [.character("p"), .character("w"), .enter, .character("y")])
        let after = runner.run(&terminal, state: state)
        #expect(workspace.plansMade.count == 1, "planned again for the write: \(workspace.plansMade.count) plans")
        #expect(after.message?.text.hasPrefix("Wrote \(out): ") == true, "\(after.message?.text ?? "no message")")
        let expected = try ELFWriter.bytes(of: Converter.apply(state.plan, to: workspace.object))
        #expect(try FileIO.readAll(path: out) == expected)
    }

    /// The effect carries the plan shown when `w` was confirmed; the runner writes that plan even when the state's
    /// choices say otherwise (they cannot change meanwhile in the app; here they are changed behind its back).
    @Test func theWriteCarriesThePlanTheUserSaw() throws {
        let dir = try TemporaryDirectory.make("sawplan")
        defer { TemporaryDirectory.remove(dir) }
        let out = "\(dir)/out.ko"
        let workspace = try TUIFixtures.complete(in: dir, output: out)
        let reducer = Reducer(workspace: workspace)
        var state = reducer.initialState(size: size, choices: choices)
        let seen = state.plan
        _ = reducer.reduce(&state, .command(.writeOutput))
        let effects = reducer.reduce(&state, .submitInput)
        #expect(effects == [.writeOutput(path: out, plan: seen, overwrite: false)])

        let other = [
            "init_once": SymbolTarget(object: "vmlinux", position: 1),
            "s_start": SymbolTarget(object: "vmlinux", position: 1),
        ]
        state.choices = other
        state.plan = workspace.plan(choices: other)
        let result = EffectRunner(workspace: workspace).perform(try #require(effects.first), state: state)
        guard case .effectSucceeded = result else {
            Issue.record("write failed: \(String(describing: result))")
            return
        }
        let expected = try ELFWriter.bytes(of: Converter.apply(seen, to: workspace.object))
        let notExpected = try ELFWriter.bytes(of: Converter.apply(state.plan, to: workspace.object))
        #expect(expected != notExpected, "the two choices must give different outputs for this test to mean anything")
        #expect(try FileIO.readAll(path: out) == expected)
    }

    /// The preview applies the plan once and keeps the result; re-planning drops it; the write of that plan uses it.
    @Test func thePreviewKeepsTheAppliedPlan() throws {
        let workspace = try TUIFixtures.example()
        let reducer = Reducer(workspace: workspace)
        var state = reducer.initialState(size: Size(rows: 40, columns: 120))
        #expect(state.output == nil)
        _ = reducer.reduce(&state, .command(.showPreview))
        let applied = try #require(state.output)
        #expect(applied.plan == state.plan)
        #expect(
            try ELFWriter.bytes(of: applied.object)
                == ELFWriter.bytes(of: Converter.apply(state.plan, to: workspace.object)))
        _ = reducer.reduce(&state, .command(.showOverview))
        _ = reducer.reduce(&state, .command(.select))
        _ = reducer.reduce(&state, .command(.select))  // a choice: a new plan
        #expect(state.output == nil)
        _ = reducer.reduce(&state, .command(.showPreview))
        #expect(state.output?.plan == state.plan)
    }

    /// A plan with errors writes nothing, and says how many errors are left.
    @Test func aPlanWithErrorsWritesNothing() throws {
        let dir = try TemporaryDirectory.make("errplan")
        defer { TemporaryDirectory.remove(dir) }
        let workspace = try TUIFixtures.example()
        let plan = workspace.plan(choices: [:])
        #expect(plan.hasErrors)
        let out = "\(dir)/out.ko"
        #expect(throws: UnresolvedConversionError(errors: plan.diagnostics.errors.count)) {
            try Converter.write(plan, of: workspace.object, to: out, mode: 0o644)
        }
        #expect(FileIO.mode(of: out) == nil)
    }
}
