// What a conversion will do, as plain values: the CLI prints it, the TUI shows and edits it (by re-planning with
// new choices), and `Converter.apply` carries it out. Planning never changes the input.

/// Where a converted symbol is looked up at load time: object (vmlinux or a module) and kallsyms position.
public struct SymbolTarget: Hashable, Sendable, Codable, CustomStringConvertible {
    public var object: String
    public var position: Int
    public init(object: String, position: Int) {
        self.object = object
        self.position = position
    }
    public var description: String { "\(object),\(position)" }
}

public enum SymbolStatus: String, Sendable, CaseIterable, Codable {
    /// Unique in the database: converted without an annotation.
    case automatic
    /// Chosen by a KLP_SYMPOS annotation (or a minimal-version `.klp.sym.rela.` name) in the patch.
    case annotated
    /// Chosen by the user (TUI or a choices file).
    case chosen
    /// Several candidates and no choice.
    case ambiguous
    /// Not in the database.
    case notFound
    /// An annotation or choice that the database contradicts.
    case invalid
    /// Resolved, but used from a section where a klp relocation cannot work.
    case refused
    /// Exported: stays an ordinary relocation, resolved by the module loader.
    case exported
    /// Weak and not in the database: left undefined, as the kernel's loader allows for weak symbols.
    case weakUndefined
    /// Already SHN_LIVEPATCH in the input (output of an earlier run).
    case converted

    /// Whether the symbol's relocations become klp relocations.
    public var converts: Bool { self == .automatic || self == .annotated || self == .chosen }
    public var isProblem: Bool { self == .ambiguous || self == .notFound || self == .invalid || self == .refused }
}

/// One relocation that uses a symbol.
public struct SymbolUse: Sendable, Equatable {
    /// Shared by the uses of one relocation section with one verdict: a use is 32 bytes and one reference.
    let place: UsePlace
    public var offset: UInt64
    public var type: RelocationType
    /// The machine `type` belongs to: the name is looked up when shown, not once per relocation planned.
    public var machine: Machine
    public var addend: Int64

    public var relocationSection: String { place.relocationSection }
    public var baseSection: String { place.baseSection }
    public var verdict: SectionRules.Verdict { place.verdict }
    public var typeName: String { type.name(machine: machine) }

    public static func == (a: SymbolUse, b: SymbolUse) -> Bool {
        a.offset == b.offset && a.type == b.type && a.machine == b.machine && a.addend == b.addend
            && (a.place === b.place
                || (a.relocationSection == b.relocationSection && a.baseSection == b.baseSection
                    && a.verdict == b.verdict))
    }
}

/// The relocation section (and the section it patches) of some uses, and the section rule's verdict on them.
final class UsePlace: Sendable {
    let relocationSection: String
    let baseSection: String
    let verdict: SectionRules.Verdict

    init(relocationSection: String, baseSection: String, verdict: SectionRules.Verdict) {
        self.relocationSection = relocationSection
        self.baseSection = baseSection
        self.verdict = verdict
    }
}

public struct PlannedSymbol: Sendable, Equatable {
    public let id: SymbolID
    public let name: String
    public var isWeak: Bool
    public var status: SymbolStatus
    public var target: SymbolTarget?
    /// Object whose `.klp.rela.<object>.*` sections receive the relocations (the symbol's object, except for
    /// minimal-version names, which name the patched object).
    public var relocationObject: String?
    /// Every database line naming the symbol (for a klp name, the name inside it), in file order.
    public var candidates: [DatabaseCandidate] { candidateLines?.candidates ?? [] }
    /// Read from the database when `candidates` is first asked for: a converted name can have thousands of
    /// lines, which a conversion that succeeds never shows.
    var candidateLines: PlannedCandidates?
    /// The relocations using the symbol, in file order (ordinary relocation sections first, then klp ones): one
    /// slice of an array the whole plan shares.
    public var uses: ArraySlice<SymbolUse>
    public var newName: String?
    public var annotation: Annotation?
    public var exportedBy: [String]

    public static func == (a: PlannedSymbol, b: PlannedSymbol) -> Bool {
        a.id == b.id && a.name == b.name && a.isWeak == b.isWeak && a.status == b.status && a.target == b.target
            && a.relocationObject == b.relocationObject && a.uses == b.uses && a.newName == b.newName
            && a.annotation == b.annotation && a.exportedBy == b.exportedBy
            && PlannedCandidates.same(a.candidateLines, b.candidateLines)
    }
}

public struct PlannedKlpSection: Sendable, Equatable {
    public var name: String
    public var object: String
    public var base: String
    public var relocationCount: Int
    /// True when the section exists in the input already (a second run, or a hand-made section).
    public var exists: Bool
}

public struct ConversionOptions: Sendable {
    /// Warnings (read-only late relocations, name-sorted database positions) become errors.
    public var strict = false
    /// Turn references to symbols exported by modules into klp relocations (late module patching), as objtool
    /// and kpatch do; by default they stay ordinary relocations (v7).
    public var convertModuleExports = false
    /// Positions chosen outside the patch source (TUI, --choices), by symbol name. Annotations in the patch win
    /// over nothing else: a choice for an annotated symbol replaces the annotation.
    public var choices: [String: SymbolTarget] = [:]
    /// Check every klp_func's old_name/old_sympos against the database (DECISIONS 8); off for a drop-in use
    /// that wants only the relocations (`--no-check-functions`).
    public var checkFunctions = true
    /// Convert a signed module, dropping its signature (with a warning to sign it again); refused otherwise.
    public var dropSignature = false

    public init(
        strict: Bool = false, convertModuleExports: Bool = false, choices: [String: SymbolTarget] = [:],
        checkFunctions: Bool = true, dropSignature: Bool = false
    ) {
        self.strict = strict
        self.convertModuleExports = convertModuleExports
        self.choices = choices
        self.checkFunctions = checkFunctions
        self.dropSignature = dropSignature
    }
}

public struct ConversionPlan: Sendable, Equatable {
    public var inputPath: String
    public var machine: Machine
    public var databaseOrder: DatabaseOrder
    /// Every undefined symbol that relocations use, in order of first use.
    public var symbols: [PlannedSymbol]
    public var annotations: [Annotation]
    public var removedSections: [String]
    public var removedSymbols: [String]
    public var createdSections: [PlannedKlpSection]
    public var diagnostics: [Diagnostic]
    /// The patch's klp_func entries with their verdict (empty when not checked).
    public var patchedFunctions: [PatchedFunctionStatus] = []

    // How to carry it out. Moves are in file order: grouped by relocation section, indices ascending.
    struct Move: Sendable, Equatable {
        var relocationSection: SectionID
        var index: Int
        var klpSection: Int  // index into createdSections
    }
    var moves: [Move] = []
    /// Relocations dropped because they referenced removed annotation symbols: indices per section, ascending.
    var droppedRelocations: [SectionID: [Int]] = [:]
    var sectionsToRemove: Set<SectionID> = []
    var symbolsToRemove: Set<SymbolID> = []
    var klpSectionBases: [SectionID] = []  // parallel to createdSections

    public var hasErrors: Bool { diagnostics.hasErrors }
    /// Nothing to move, rename or remove: the output is the input's bytes as they are (a module converted
    /// before, or one that needs no klp relocation), so converting twice gives the same file.
    public var changesNothing: Bool {
        moves.isEmpty && droppedRelocations.isEmpty && sectionsToRemove.isEmpty && symbolsToRemove.isEmpty
            && !symbols.contains { $0.status.converts && $0.newName != nil }
    }
    public var convertedSymbols: [PlannedSymbol] { symbols.filter { $0.status.converts } }

    public func symbol(named name: String) -> PlannedSymbol? { symbols.first { $0.name == name } }
}
