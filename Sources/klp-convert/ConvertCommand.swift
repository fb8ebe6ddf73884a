import ArgumentParser
import KLPEngine

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a livepatch (the default command; what kbuild runs).",
        discussion: """
        Reads <input>, resolves every relocation to a symbol that is neither defined in the module nor exported, \
        using <symbols.klp> and the patch's KLP_SYMPOS annotations, and writes <output> with \
        .klp.rela.<object>.<section> sections and .klp.sym.<object>.<name>,<position> symbols.

        All problems of the whole file are reported; on any error nothing is written (exit status 255). The \
        output is written to a temporary file in its folder and renamed into place, with the input's permission \
        bits.
        """)

    @Argument(help: "The symbol database (symbols.klp).") var symbols: String
    @Argument(help: "The livepatch module as linked by kbuild (*.tmp.ko).") var input: String
    @Argument(help: "Where to write the converted module.") var output: String

    @Flag(help: "Treat warnings (late relocations into read-only memory, positions a name-sorted database cannot tell apart) as errors.")
    var strict = false
    @Flag(help: "Convert references to symbols exported by modules into klp relocations (late module patching) instead of leaving them to the module loader.")
    var convertModuleExports = false
    @OptionGroup var choices: ChoiceOptions
    @Option(help: ArgumentHelp("A Module.symvers file: more exports (repeatable).", valueName: "file"))
    var symvers: [String] = []
    @Flag(help: "Allow <output> to be the same file as <input> (still written atomically).")
    var inPlace = false
    @Flag(name: .shortAndLong, help: "Print what was converted.")
    var verbose = false

    func run() throws {
        var options = ConversionOptions(strict: strict, convertModuleExports: convertModuleExports)
        options.choices = try choices.load(failure: ExitCode(conversionFailureStatus))
        if FileIO.sameFile(input, output) && !inPlace {
            Report.error("\(output): output is the input file; refusing to overwrite it (use --in-place)")
            throw ExitCode(conversionFailureStatus)
        }
        do {
            let object = try ELFObject.read(path: input)
            let database = try loadDatabase(path: symbols, for: object, symvers: symvers)
            let plan = Converter(database: database, options: options).plan(object)
            Report.diagnostics(plan.diagnostics.filter { $0.severity != .note || verbose })
            guard !plan.hasErrors else {
                Report.error("\(input): \(plan.diagnostics.errors.count) error(s); \(output) not written")
                throw ExitCode(conversionFailureStatus)
            }
            _ = try Converter.write(plan, of: object, to: output, mode: FileIO.mode(of: input) ?? 0o644)
            if verbose {
                for s in plan.convertedSymbols {
                    Report.line("klp-convert: \(s.name) -> \(s.newName ?? "?") (\(s.status.rawValue), \(s.uses.count) relocation(s))")
                }
            }
        } catch let e as ExitCode {
            throw e
        } catch {
            Report.failure(error)
            throw ExitCode(conversionFailureStatus)
        }
    }
}
