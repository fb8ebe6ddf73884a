import ArgumentParser
import KLPEngine
import KLPTUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `klp-convert tui [symbols.klp patch.ko]`: the interactive inspector.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Inspect a livepatch's relocations and resolve ambiguous symbols interactively.",
        discussion: """
            Without arguments, opens a bundled example livepatch and its symbols.klp. Keys: ? shows them all; \
            Enter picks a candidate, s shows the KLP_MODULE_RELOC snippet, p previews the converted ELF, \
            w writes it, S saves the choices for `--choices`, q quits.
            """)

    @Argument(help: "The symbol database (symbols.klp). Omit both arguments for the bundled example.")
    var symbols: String?

    @Argument(help: "The livepatch object (.ko or .o).")
    var patch: String?

    @Option(name: .shortAndLong, help: "Path proposed when writing the converted object (default: <patch>.klp.ko).")
    var output: String?

    @Option(help: "Start from the choices in this file (as written by S in the TUI).")
    var choices: String?

    @Option(
        help: ArgumentHelp("A Module.symvers file: more exports (repeatable), as for `convert`.", valueName: "file"))
    var symvers: [String] = []

    @Flag(help: "Print the KLP_MODULE_RELOC snippet for the final choices on exit.")
    var printSnippet = false

    @Flag(help: "Leave the mouse to the terminal (text selection) instead of clicks, double clicks and the wheel.")
    var noMouse = false

    @OptionGroup var flags: ConversionFlags

    func validate() throws {
        if symbols != nil && patch == nil {
            throw ValidationError("give both symbols.klp and the livepatch object, or neither for the bundled example")
        }
        if symbols == nil && !symvers.isEmpty {
            throw ValidationError("--symvers needs symbols.klp and the livepatch object")
        }
    }

    func run() throws {
        let options = flags.options
        let workspace: Workspace
        var initial: [String: SymbolTarget] = [:]
        do {
            if let symbols, let patch {
                workspace = try Workspace.load(
                    database: symbols, object: patch, output: output, symvers: symvers,
                    options: options)
            } else {
                workspace = try Workspace.example(output: output, options: options)
            }
            if let choices { initial = try ChoicesFile.load(path: choices) }
        } catch {
            TUISession.writeError("klp-convert: \(error)\n")
            throw ExitStatus.failure
        }
        let environment = Dictionary(uniqueKeysWithValues: ProcessEnvironment.all())
        let status: Int32
        do {
            status = try TUISession.run(
                workspace: workspace,
                options: .init(
                    initialChoices: initial, printSnippet: printSnippet,
                    mouse: !noMouse),
                environment: environment)
        } catch {
            TUISession.writeError("klp-convert: \(error)\n")
            throw ExitStatus.failure
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The process environment without Foundation.
enum ProcessEnvironment {
    static func all() -> [(String, String)] {
        var out: [(String, String)] = []
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                out.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
            }
            p += 1
        }
        // Later duplicates would trap Dictionary(uniqueKeysWithValues:): keep the first of each name.
        var seen = Set<String>()
        return out.filter { seen.insert($0.0).inserted }
    }
}
