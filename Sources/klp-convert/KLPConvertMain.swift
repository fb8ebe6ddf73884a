import ArgumentParser
import KLPEngine

@main
struct KLPConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klp-convert",
        abstract: "Convert a livepatch module's references to non-exported kernel symbols into klp relocations.",
        discussion: """
        Drop-in for the kernel build: klp-convert <symbols.klp> <input.ko> <output.ko>
        (the 'convert' subcommand is the default). Annotations KLP_MODULE_RELOC(object) /
        KLP_SYMPOS(symbol, position) in the patch choose between homonyms; position 0 means unique,
        homonyms count from 1 in kallsyms order.
        """,
        version: KLPVersion.tool,
        subcommands: [ConvertCommand.self, ListCommand.self, ExplainCommand.self, SnippetCommand.self,
                      CheckCommand.self, TUICommand.self],
        defaultSubcommand: ConvertCommand.self)
}
