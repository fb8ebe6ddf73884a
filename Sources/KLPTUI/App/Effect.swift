import KLPEngine

/// Work with side effects, done by the runner; results come back as actions.
public enum Effect: Sendable, Equatable {
    case writeOutput(path: String, overwrite: Bool)
    case saveChoices(path: String, choices: [String: SymbolTarget], overwrite: Bool)
    case loadChoices(path: String)
    case saveSnippet(path: String, text: String, overwrite: Bool)
    case quit
}
