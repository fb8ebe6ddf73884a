import ArgumentParser
import KLPEngine

// TEMPORARY root command of branch `tui` (so `klp-convert tui` can be run and tested); the lead's root command
// replaces this file and lists TUICommand.self among its subcommands.
struct KLPConvert: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "klp-convert", subcommands: [TUICommand.self])
}

KLPConvert.main()
