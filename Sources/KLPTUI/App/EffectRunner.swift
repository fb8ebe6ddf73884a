#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KLPEngine

// Carries out effects (the only file I/O of the TUI) and turns each outcome into an action. Writing the
// converted object goes through the same engine calls as the CLI, so both give the same bytes for the same
// choices.

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
        case .writeOutput(let path, let overwrite):
            if FileIO.sameFile(path, workspace.object.path) {
                return .effectFailed("Refusing to overwrite the input \(path): choose another output path")
            }
            if !overwrite && Self.exists(path) { return .confirmOverwrite(path: path, purpose: .writeOutput) }
            let (plan, output) = Converter(database: workspace.database, options: workspace.options(with: state.choices))
                .convert(workspace.object)
            guard let output else {
                return .effectFailed("Not written: \(plan.diagnostics.errors.count) error(s) left")
            }
            do {
                let bytes = try ELFWriter.bytes(of: output)
                try FileIO.writeAtomically(bytes, to: path, mode: mode_t(workspace.outputMode))
                let n = plan.convertedSymbols.count
                return .effectSucceeded("Wrote \(path): \(bytes.count) bytes, \(n) symbol\(n == 1 ? "" : "s") converted, \(plan.createdSections.count) klp section\(plan.createdSections.count == 1 ? "" : "s")")
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
