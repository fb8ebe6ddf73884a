import KLPEngine

// Everything that can change the state: commands from keys, typing into a text field, answers, terminal
// resizes, and the results of effects the runner carried out.

public enum Action: Sendable {
    case command(Command)
    case insertText(String)
    case deleteBackward
    case clearInput
    case submitInput
    /// Tab in a file-name prompt: the runner lists the folder and answers with `.pathCompleted`.
    case completeInput
    case pathCompleted(PathCompletion, from: String)
    case cancelInput
    case answer(Bool)
    case resize(Size)
    case unboundKey(Key)
    case mouse(MouseEvent)
    /// The runner found the target file existing and needs a yes before replacing it.
    case confirmOverwrite(path: String, purpose: PromptPurpose)
    case choicesLoaded([String: SymbolTarget], path: String)
    case choicesSaved([String: SymbolTarget], path: String)
    case effectSucceeded(String)
    case effectFailed(String)
}
