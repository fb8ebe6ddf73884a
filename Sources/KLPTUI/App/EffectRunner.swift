import KLPEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Carries out effects (the only file I/O of the TUI) and turns each outcome into an action. Writing the
// converted object is the CLI's call (`Converter.write`) on the plan the effect carries, so both give the same
// bytes for the same choices, and the TUI writes exactly the plan the user saw.

public struct EffectRunner: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    static func exists(_ path: String) -> Bool { FileIO.mode(of: path) != nil }

    public func perform(_ effect: Effect, state: AppState) -> Action? {
        switch effect {
        case .quit:
            return nil
        case .completePath(let text):
            return .pathCompleted(PathCompletion.complete(text, listing: PathCompletion.list), from: text)
        case .writeOutput(let path, let plan, let overwrite):
            if FileIO.sameFile(path, workspace.object.path) {
                return .effectFailed("Refusing to overwrite the input \(path): choose another output path")
            }
            if !overwrite && Self.exists(path) { return .confirmOverwrite(path: path, purpose: .writeOutput) }
            guard !plan.hasErrors else {
                return .effectFailed("Not written: \(plan.diagnostics.errors.count) error(s) left")
            }
            do {
                // The preview's applied object, when it was made from this very plan, is not applied again.
                let applied = state.output.flatMap { $0.plan == plan ? $0.object : nil }
                let written = try Converter.write(
                    plan, of: workspace.object, applied: applied, to: path,
                    mode: mode_t(workspace.outputMode))
                let n = written.convertedSymbolCount, k = written.klpSectionCount
                return .effectSucceeded(
                    "Wrote \(path): \(written.byteCount) bytes, \(n) symbol\(n == 1 ? "" : "s") converted, "
                        + "\(k) klp section\(k == 1 ? "" : "s")")
            } catch {
                return .effectFailed("Not written: \(error)")
            }
        case .saveChoices(let path, let choices, let overwrite):
            if !overwrite && Self.exists(path) { return .confirmOverwrite(path: path, purpose: .saveChoices) }
            do {
                try ChoicesFile.save(choices, to: path)
                return .choicesSaved(choices, path: path)
            } catch {
                return .effectFailed("Choices not saved: \(error)")
            }
        case .loadChoices(let path):
            do {
                return .choicesLoaded(try ChoicesFile.load(path: path), path: path)
            } catch {
                return .effectFailed("Choices not loaded: \(error)")
            }
        case .saveSnippet(let path, let text, let overwrite):
            if !overwrite && Self.exists(path) { return .confirmOverwrite(path: path, purpose: .saveSnippet) }
            do {
                try FileIO.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
                return .effectSucceeded("Saved the snippet to \(path)")
            } catch {
                return .effectFailed("Snippet not saved: \(error)")
            }
        }
    }
}
