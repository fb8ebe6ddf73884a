import KLPEngine
import Synchronization

// What the inspector works on, loaded once: the livepatch object, the symbol database (and its search index),
// and where output goes. Immutable while the TUI runs; the reducer re-plans from it after every choice.

public struct Workspace: Sendable {
    /// Shown in the title bar.
    public let objectName: String
    public let databaseName: String
    public let object: ELFObject
    public let database: SymbolDatabase
    private let background: BackgroundIndex
    /// The search index over every symbol line of the database (built in the background; waits if not ready yet).
    public var index: DatabaseIndex { background.index }
    /// Proposed path when the user writes the converted object.
    public let defaultOutputPath: String
    public let defaultChoicesPath: String
    public let defaultSnippetPath: String
    /// File mode of the input, reused for the output as the CLI does.
    public let outputMode: UInt32
    public let baseOptions: ConversionOptions
    /// Functions and data objects of the livepatch, to name where each relocation sits.
    public let places: CodePlaces
    /// The livepatch's klp_patch/klp_object/klp_func tables, read once: every plan (one per pick) and the
    /// evidence use them.
    public let patchTargets: PatchTargets
    /// The patched-function check, made once (it does not depend on the choices): every plan and the functions'
    /// evidence use it. Nil when the options turn the check off.
    public let patchedFunctions: PatchedFunctionChecker.Result?
    /// True for the bundled example (shown in the title bar).
    public var isExample = false
    /// Evidence and suggestions for the patch's homonyms (the picker's detail panel).
    public var evidence = CandidateEvidence()
    /// Evidence for the copies of each patched function (by index into plan.patchedFunctions), for the
    /// functions screen; empty when it could not be read.
    public var functionEvidence: [[CopyEvidence]] = []

    public init(
        objectName: String, databaseName: String, object: ELFObject, database: SymbolDatabase,
        index: DatabaseIndex? = nil, defaultOutputPath: String,
        outputMode: UInt32 = 0o644, baseOptions: ConversionOptions = ConversionOptions()
    ) {
        self.init(
            objectName: objectName, databaseName: databaseName, object: object, database: database,
            background: index.map { BackgroundIndex(ready: $0) } ?? BackgroundIndex(database: database),
            defaultOutputPath: defaultOutputPath, outputMode: outputMode, baseOptions: baseOptions)
    }

    init(
        objectName: String, databaseName: String, object: ELFObject, database: SymbolDatabase,
        background: BackgroundIndex, defaultOutputPath: String, outputMode: UInt32, baseOptions: ConversionOptions
    ) {
        self.objectName = objectName
        self.databaseName = databaseName
        self.object = object
        self.places = CodePlaces(object: object)
        self.patchTargets = PatchTargets.read(object)
        self.patchedFunctions =
            baseOptions.checkFunctions
            ? PatchedFunctionChecker(database: database).check(object, targets: patchTargets) : nil
        self.database = database
        self.background = background
        self.defaultOutputPath = defaultOutputPath
        let stem = Workspace.stem(of: defaultOutputPath)
        self.defaultChoicesPath = stem + ".choices"
        self.defaultSnippetPath = stem + "-relocs.c"
        self.outputMode = outputMode
        self.baseOptions = baseOptions
    }

    /// Loads a livepatch and a symbols.klp from files.
    public static func load(
        database databasePath: String, object objectPath: String, output: String?,
        symvers: [String] = [], options: ConversionOptions = ConversionOptions()
    ) throws -> Workspace {
        // Read and parsed as the CLI does; the search index is built from the parsed records on another core
        // while the livepatch is read and planned.
        let database = try SymbolDatabase.load(path: databasePath, symvers: symvers)
        let background = BackgroundIndex(database: database)
        let object = try ELFObject.read(path: objectPath)
        let mode = FileIO.mode(of: objectPath).map { UInt32($0) } ?? 0o644
        var workspace = Workspace(
            objectName: objectPath, databaseName: databasePath, object: object,
            database: database, background: background,
            defaultOutputPath: output ?? defaultOutput(for: objectPath), outputMode: mode,
            baseOptions: options)
        // A second read of symbols.klp, one for both evidence blocks and the neighbours (a pipe gives nothing the
        // second time: the panel then says the evidence could not be read). SymbolDatabase.load keeps its own
        // read: it streams the file through the parser, then adds the Module.symvers exports.
        do {
            let file = try InputFile.read(databasePath, limit: Int(Int32.max))
            file.withBytes { raw in workspace.gatherEvidence(bytes: raw, path: databasePath) }
        } catch {
            workspace.evidence = CandidateEvidence.unread(error)
            workspace.functionEvidence = []
        }
        return workspace
    }

    /// The bundled example (compiled into the binary), so `klp-convert tui` works anywhere.
    public static func example(output: String?, options: ConversionOptions = ConversionOptions()) throws -> Workspace {
        let object = try ELFObject(bytes: BundledExample.object, path: BundledExample.objectName)
        let database = try SymbolDatabase.parse(bytes: BundledExample.database, path: BundledExample.databaseName)
        var workspace = Workspace(
            objectName: BundledExample.objectName,
            databaseName: BundledExample.databaseName, object: object, database: database,
            defaultOutputPath: output ?? "livepatch-example.ko", baseOptions: options)
        workspace.isExample = true
        BundledExample.database.withUnsafeBytes { raw in
            workspace.gatherEvidence(bytes: raw, path: BundledExample.databaseName)
        }
        return workspace
    }

    /// Both evidence blocks from the bytes of symbols.klp: the picker's (or why it could not be read, said in the
    /// panel) and the functions' (none when it cannot be read: the screen still lists the entries and their
    /// copies, without places and suggestions).
    mutating func gatherEvidence(bytes: UnsafeRawBufferPointer, path: String) {
        do {
            evidence = try CandidateEvidence.gather(
                object: object, targets: patchTargets, database: database, bytes: bytes, path: path)
        } catch {
            evidence = CandidateEvidence.unread(error)
        }
        guard let patchedFunctions else {
            functionEvidence = []
            return
        }
        do {
            functionEvidence = try PatchedFunctionEvidence.gather(
                patchedFunctions.functions, bytes: bytes, path: path, order: database.order, targets: patchTargets)
        } catch {
            functionEvidence = []
        }
    }

    /// The snippet screen's text: the KLP_MODULE_RELOC blocks, then the .old_sympos edits chosen here.
    public func snippetText(plan: ConversionPlan, functionChoices: [Int: Int]) -> String {
        let edits = OldSymposEdit.text(
            functions: plan.patchedFunctions, choices: functionChoices, evidence: functionEvidence)
        return SnippetText.text(plan: plan, objectName: objectName)
            + (edits.isEmpty ? "" : "/* klp_func entries to edit (old_sympos), from klp-convert tui */\n" + edits)
    }

    /// `patch.ko` → `patch.klp.ko`; `patch.o` → `patch.klp.o`.
    static func defaultOutput(for input: String) -> String {
        for ext in [".ko", ".o"] where input.hasSuffix(ext) {
            return String(input.dropLast(ext.count)) + ".klp" + ext
        }
        return input + ".klp"
    }

    static func stem(of path: String) -> String {
        for ext in [".klp.ko", ".klp.o", ".ko", ".o"] where path.hasSuffix(ext) {
            return String(path.dropLast(ext.count))
        }
        return path
    }

    public func options(with choices: [String: SymbolTarget]) -> ConversionOptions {
        var o = baseOptions
        o.choices = choices
        return o
    }

    /// The plan for the given choices: cheap, pure, done after every pick and nowhere else.
    public func plan(choices: [String: SymbolTarget]) -> ConversionPlan {
        plansMade.increment()
        return Converter(
            database: database, options: options(with: choices), patchTargets: patchTargets,
            patchedFunctions: patchedFunctions
        ).plan(object)
    }

    /// How many plans this workspace made: the tests check that one write costs no plan of its own.
    let plansMade = PlanCounter()
}

/// A count shared by the copies of one workspace (the reducer and the effect runner each hold one).
final class PlanCounter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
