import KLPEngine

/// Work with side effects, done by the runner; results come back as actions.
public enum Effect: Sendable, Equatable {
    /// Writes what `plan` produces: the plan the user saw when asking to write, never one made again.
    case writeOutput(path: String, plan: ConversionPlan, overwrite: Bool)
    case saveChoices(path: String, choices: [String: SymbolTarget], overwrite: Bool)
    case loadChoices(path: String)
    case saveSnippet(path: String, text: String, overwrite: Bool)
    case completePath(String)
    case quit
}
