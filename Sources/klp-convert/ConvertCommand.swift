import ArgumentParser
import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

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
            bits. A module with nothing to convert is written byte for byte as it came in. A signed module that needs \
            converting is refused (convert before signing; kbuild signs at modules_install) unless --drop-signature.
            """)

    @OptionGroup var inputs: PatchInputs
    @Argument(help: "Where to write the converted module.") var output: String
    @OptionGroup var flags: ConversionFlags
    @OptionGroup var choices: ChoiceOptions
    @Option(help: ArgumentHelp("A Module.symvers file: more exports (repeatable).", valueName: "file"))
    var symvers: [String] = []
    @Flag(help: "Allow <output> to be the same file as <input> (still written atomically).")
    var inPlace = false
    @Flag(name: .shortAndLong, help: "Print what was converted.")
    var verbose = false

    var symbols: String { inputs.symbols }
    var input: String { inputs.input }

    func run() throws {
        var options = flags.options
        options.choices = try choices.load(failure: ExitStatus.failure)
        try Self.convert(
            symbols: symbols, input: input, output: output, options: options, symvers: symvers, inPlace: inPlace,
            verbose: verbose)
    }

    /// The conversion itself, for `run` and for the drop-in form that kbuild uses (DropInConvert).
    static func convert(
        symbols: String, input: String, output: String, options: ConversionOptions, symvers: [String] = [],
        inPlace: Bool = false, verbose: Bool = false
    ) throws {
        if FileIO.sameFile(input, output) && !inPlace {
            Report.error("\(output): output is the input file; refusing to overwrite it (use --in-place)")
            throw ExitStatus.failure
        }
        do {
            let object = try ELFObject.read(path: input)
            // The patch's tables, read once: the database load, the planner and the reports all need them.
            let targets = PatchTargets.read(object)
            let database = try loadDatabase(path: symbols, for: object, targets: targets, symvers: symvers)
            let plan = Converter(database: database, options: options, patchTargets: targets).plan(object)
            Report.diagnostics(diagnosticsForReport(plan, targets: targets).filter { $0.severity != .note || verbose })
            reportAmbiguities(plan, targets: targets, databasePath: symbols)
            guard !plan.hasErrors else {
                Report.error("\(input): \(plan.diagnostics.errors.count) error(s); \(output) not written")
                throw ExitStatus.failure
            }
            _ = try Converter.write(plan, of: object, to: output, mode: FileIO.mode(of: input) ?? 0o644)
            if verbose {
                for s in plan.convertedSymbols {
                    Report.line(
                        "klp-convert: \(s.name) -> \(s.newName ?? "?") (\(s.status.rawValue), \(s.uses.count) relocation(s))"
                    )
                }
            }
            // Done: the process ends here rather than freeing the module's model, the plan and the database one
            // allocation at a time (hundreds of thousands in a large conversion, about 1.5 ms of its CPU) only
            // for exit to unmap the memory anyway. exit() still flushes stdout.
            Glibc.exit(0)
        } catch let e as ExitCode {
            throw e
        } catch {
            Report.failure(error)
            throw ExitStatus.failure
        }
    }
}

/// kbuild runs `klp-convert <symbols.klp> <input> <output>` once per livepatch. Building ArgumentParser's command
/// tree for that (reflection over every subcommand's options, type metadata, protocol conformance lookups) was
/// about half of the process's start-up, so exactly that form, with nothing the parser would read differently
/// (no option, no subcommand name), goes straight to the conversion with the defaults `convert` would use.
enum DropInConvert {
    /// The three paths, when `arguments` (without the program name) is the plain drop-in form.
    static func paths(_ arguments: ArraySlice<String>) -> (symbols: String, input: String, output: String)? {
        guard arguments.count == 3, let first = arguments.first else { return nil }
        guard !KLPConvert.configuration.subcommands.contains(where: { $0._commandName == first }),
            first != "help", !arguments.contains(where: { $0.hasPrefix("-") || $0.isEmpty })
        else { return nil }
        let a = Array(arguments)
        return (a[0], a[1], a[2])
    }
}
