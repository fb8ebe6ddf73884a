import ArgumentParser
import KLPEngine

struct SnippetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snippet",
        abstract: "Print the KLP_MODULE_RELOC / KLP_SYMPOS block for a livepatch's annotated and chosen symbols.",
        discussion:
            "Symbols still ambiguous are listed as comments with their candidates. Paste the block into the patch source."
    )

    @OptionGroup var inputs: PatchInputs
    @OptionGroup var choices: ChoiceOptions
    @OptionGroup var flags: ConversionFlags
    @Flag(help: "Also annotate symbols that resolve automatically (pins them against future homonyms).")
    var all = false

    func run() throws {
        var options = flags.options
        options.choices = try choices.load(failure: ExitStatus.failure)
        let plan = try planConversion(symbols: inputs.symbols, input: inputs.input, options: options)
        print(CSnippet.snippet(for: plan, includeAutomatic: all), terminator: "")
        let open = plan.symbols.filter { $0.status == .ambiguous }
        for s in open {
            print("/* \(CSnippet.commentSafe(s.name)) is ambiguous; candidates:")
            for c in s.candidates {
                print(
                    " *   \(CSnippet.commentSafe(c.object)),\(c.position)\(c.file.map { "  " + CSnippet.commentSafe($0) } ?? "")"
                )
            }
            print(" */")
        }
        if !open.isEmpty { throw ExitStatus.failure }
    }
}
