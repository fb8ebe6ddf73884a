import ArgumentParser
import KLPEngine

#if canImport(Glibc)
import Glibc
#endif

/// Messages go to stderr with the "klp-convert: " prefix (as upstream); detail lines (candidate listings,
/// ready-to-paste blocks) follow without it.
enum Report {
    static func line(_ text: String) {
        // Messages quote names from the files: no raw control characters reach the terminal.
        var bytes = Array((TerminalSafe.line(text) + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
    }

    static func error(_ text: String) {
        line("klp-convert: " + text)
    }

    static func diagnostics(_ list: [Diagnostic], file: String? = nil) {
        for d in list {
            line("klp-convert: " + (file.map { "\($0): " } ?? "") + d.description)
            for extra in d.detail { line(extra) }
        }
    }

    /// Any error from the engine or the file system, printed once.
    static func failure(_ error: Error) {
        self.error("\(error)")
    }
}

/// Loads the database for converting `object`: only the names the object leaves undefined are kept, which is
/// what makes a conversion against a whole distribution's database fast.
/// `targets`: the patch's tables (read once by the caller, which passes them on to the planner and the reports).
func loadDatabase(path: String, for object: ELFObject, targets: PatchTargets, symvers: [String]) throws
    -> SymbolDatabase
{
    try SymbolDatabase.load(path: path, only: databaseNames(for: object, targets: targets), symvers: symvers)
}

/// The names a conversion of `object` looks up in symbols.klp: its undefined symbols (and the names inside
/// minimal-version ones), the functions it patches (klp_func.old_name) and the livepatch symbols it already has.
func databaseNames(for object: ELFObject, targets: PatchTargets) -> Set<String> {
    var names = Set<String>()
    for s in object.symbols where s.isUndefined {
        names.insert(s.name)
        if let m = KLPNames.parseMinimal(s.name) { names.insert(m.name) }
    }
    names.formUnion(targets.functions.map(\.name))
    for s in object.symbols where s.section == .livepatch {
        if let parsed = KLPNames.parseSymbol(s.name) { names.insert(parsed.name) }
    }
    return names
}

/// Where a run's positions come from besides the patch's annotations: --choose on the command line and
/// --choices files saved by the TUI (later sources win, --choose last).
struct ChoiceOptions: ParsableArguments {
    @Option(
        name: .customLong("choose"),
        help: ArgumentHelp("Choose a position for a symbol: SYMBOL=OBJECT,POSITION (repeatable).", valueName: "choice"))
    var choose: [String] = []
    @Option(
        name: .customLong("choices"),
        help: ArgumentHelp(
            "A choices file saved by the TUI: '<symbol> <object> <position>' lines (repeatable).", valueName: "file"))
    var files: [String] = []

    /// The choices, with a bad choices file reported and turned into `failure` (usage errors pass through).
    func load(failure: ExitCode) throws -> [String: SymbolTarget] {
        do {
            return try load()
        } catch let e as ValidationError {
            throw e
        } catch {
            Report.failure(error)
            throw failure
        }
    }

    func load() throws -> [String: SymbolTarget] {
        var result: [String: SymbolTarget] = [:]
        for path in files {
            result.merge(try ChoicesFile.load(path: path)) { _, new in new }
        }
        // One rule with the choices file: a symbol chosen twice with different targets is an error, not "the
        // last one wins" (a --choose still overrides a --choices file, as a later source).
        var chosenHere: [String: SymbolTarget] = [:]
        for c in choose {
            let (symbol, target) = try parseChoice(c)
            if let earlier = chosenHere[symbol], earlier != target {
                throw ValidationError("--choose: \(symbol) is chosen twice: \(earlier) and \(target)")
            }
            chosenHere[symbol] = target
            result[symbol] = target
        }
        return result
    }
}

/// Parses `symbol=object,position` (the --choose option).
func parseChoice(_ text: String) throws -> (String, SymbolTarget) {
    guard let eq = text.firstIndex(of: "="), let comma = text.lastIndex(of: ","), eq < comma,
        let position = Int(text[text.index(after: comma)...]), position >= 0
    else {
        throw ValidationError(
            "--choose expects SYMBOL=OBJECT,POSITION (for example init_once=vmlinux,2), got '\(text)'")
    }
    let symbol = String(text[..<eq])
    let object = KLPNames.normalizeObject(String(text[text.index(after: eq)..<comma]))
    return (symbol, SymbolTarget(object: object, position: position))
}

/// Reads a livepatch and plans its conversion against symbols.klp (what `list` and `snippet` show); a file
/// problem is reported and becomes the failure status.
func planConversion(symbols: String, input: String, options: ConversionOptions) throws -> ConversionPlan {
    do {
        let object = try ELFObject.read(path: input)
        // The patch's tables, read once for the database load and the planner.
        let targets = PatchTargets.read(object)
        let database = try loadDatabase(path: symbols, for: object, targets: targets, symvers: [])
        return Converter(database: database, options: options, patchTargets: targets).plan(object)
    } catch {
        Report.failure(error)
        throw ExitStatus.failure
    }
}
