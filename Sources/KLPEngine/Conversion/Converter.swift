// Decides, for every relocation of a livepatch, whether it stays an ordinary relocation or becomes a klp
// relocation, and against which (object, position). All problems of the whole file are collected.

public struct Converter: Sendable {
    public let database: SymbolDatabase
    public let options: ConversionOptions
    /// The patch's klp_patch/klp_object/klp_func tables, when the caller has read them already; read here otherwise.
    public let patchTargets: PatchTargets?
    /// The patched-function check of this object against this database, when the caller has made it already: it
    /// does not depend on the choices, so the TUI makes it once, not once per pick.
    public let patchedFunctions: PatchedFunctionChecker.Result?

    public init(
        database: SymbolDatabase, options: ConversionOptions = ConversionOptions(), patchTargets: PatchTargets? = nil,
        patchedFunctions: PatchedFunctionChecker.Result? = nil
    ) {
        self.database = database
        self.options = options
        self.patchTargets = patchTargets
        self.patchedFunctions = patchedFunctions
    }

    /// Plans the conversion of `object` without changing it.
    public func plan(_ object: ELFObject) -> ConversionPlan {
        var planner = ConversionPlanner(object: object, database: database, options: options)
        var plan = planner.run()
        // Other machines are refused by the planner already, with the reason.
        if options.checkFunctions && PatchedFunctionChecker.supportedMachines.contains(object.header.machine) {
            let functions =
                patchedFunctions ?? PatchedFunctionChecker(database: database).check(object, targets: patchTargets)
            plan.patchedFunctions = functions.functions
            plan.diagnostics += functions.diagnostics
        }
        return plan
    }

    /// Plans and, when the plan has no errors, applies it. The output is nil when there are errors.
    public func convert(_ object: ELFObject) -> (plan: ConversionPlan, output: ELFObject?) {
        let plan = plan(object)
        guard !plan.hasErrors else { return (plan, nil) }
        return (plan, Converter.apply(plan, to: object))
    }
}

/// Looks a (object, name, position) up in the database the way the kernel will.
struct PositionValidator {
    let database: SymbolDatabase

    enum Outcome {
        case valid(SymbolTarget, note: String?)
        case invalid(Diagnostic)
    }

    /// Who claims the (object, position): the messages say so, since only an annotation is a KLP_SYMPOS.
    enum Claim {
        case annotation, choice, livepatchSymbol
        var subject: String {
            switch self {
            case .annotation: return "Provided KLP_SYMPOS"
            case .choice: return "Chosen position (--choose, --choices or the TUI)"
            case .livepatchSymbol: return "Existing livepatch symbol"
            }
        }
    }

    func validate(
        object: String, name: String, position: Int, location: Diagnostic.Location?,
        claim: Claim = .annotation
    ) -> Outcome {
        let location = location?.with(object: object)
        let subject = claim.subject
        // The listing of every candidate is only for messages: a homonym can have thousands of lines, and
        // building it for each valid annotation dominated the conversion of large patches.
        func listing() -> [String] {
            CandidateListing.lines(symbol: name, candidates: database.candidates(named: name), order: database.order)
        }
        guard database.hasObject(object) else {
            return .invalid(
                Diagnostic(
                    .error,
                    "\(subject) does not match a symbol: \(object).\(name),\(position) "
                        + "(symbols.klp has no object '\(object)')", at: location, detail: listing()))
        }
        let inObject = database.copies(of: name, in: object)
        if position == 0 {
            guard inObject == 1 else {
                let why = inObject == 0 ? "" : "; a homonym needs its position 1..\(inObject)"
                return .invalid(
                    Diagnostic(
                        .error,
                        "\(subject) of 0, but found \(inObject) symbols matching: "
                            + "\(object).\(name),0\(why)", at: location, detail: listing()))
            }
            return .valid(SymbolTarget(object: object, position: 0), note: nil)
        }
        guard position <= inObject else {
            return .invalid(
                Diagnostic(
                    .error,
                    "\(subject) does not match a symbol: \(object).\(name),\(position) "
                        + "(\(inObject) in \(object))", at: location, detail: listing()))
        }
        var note: String?
        if database.order == .nameSorted && inObject > 1 {
            note =
                "\(object).\(name),\(position): symbols.klp is name-sorted (nm output), so it can check that \(inObject) copies exist but not which copy is position \(position); the kernel counts in kallsyms order"
        }
        return .valid(SymbolTarget(object: object, position: position), note: note)
    }

    /// An existing livepatch symbol (.klp.sym.<object>.<name>,<position>, already parsed) looked up as the kernel
    /// will; convert and `check --symbols` both use it, so they refuse one in the same words.
    func validateLivepatchSymbol(
        _ symbolName: String, _ parsed: KLPNames.ParsedSymbol, location: Diagnostic.Location?
    ) -> Outcome {
        let outcome = validate(
            object: parsed.object, name: parsed.name, position: parsed.position, location: location,
            claim: .livepatchSymbol)
        guard case .invalid(let d) = outcome else { return outcome }
        return .invalid(
            Diagnostic(
                .error, "symbol \(symbolName): the kernel will not find it: \(d.message)", at: d.location,
                detail: d.detail))
    }
}

private struct ConversionPlanner {
    let object: ELFObject
    let database: SymbolDatabase
    let options: ConversionOptions

    var plan: ConversionPlan
    /// What planning knows of each symbol, indexed by SymbolID.rawValue (the reader numbers symbols densely):
    /// unknown (no relocation used it yet), removed (an annotation symbol), skipped (needs no planning: defined,
    /// .TOC., ..., so each is classified once), or the index of the symbol's entry in `plan.symbols`. A large
    /// patch has ~100k debug-info relocations against defined symbols; array reads instead of hash lookups.
    var relocationState: [Int32] = []
    static let unknownSymbol: Int32 = -3
    static let removedSymbol: Int32 = -2
    static let skippedSymbol: Int32 = -1
    var klpSectionIndex: [String: Int] = [:]
    var existingKlpSections: Set<String>?
    var annotationsByName: [String: Annotation] = [:]
    /// Per SymbolID.rawValue, like `relocationState`: the symbol's place in `object.symbols` (-1: none), and
    /// whether a relocation of an ordinary relocation section uses it. Array reads per relocation, no hashing.
    var symbolPlace: [Int32] = []
    var seenSymbols: [Bool] = []
    /// Parallel to `plan.symbols`: what the relocation loop reads of an entry, as plain values (the entry itself
    /// holds strings and arrays; reading it per relocation cost retains and releases). `entryObject` indexes
    /// `relocationObjects`, the objects whose klp sections receive relocations, each named once.
    var entryStatus: [SymbolStatus] = []
    var entryObject: [Int32] = []
    var relocationObjects: [String] = []
    var relocationObjectIndex: [String: Int32] = [:]
    /// Per relocation object, what the relocation section being planned decided for it: the section rule's
    /// verdict and the klp section. Valid while the stamp equals `sectionStamp` (one per relocation section), so
    /// nothing is cleared or hashed between sections.
    var sectionStamp = 0
    var verdictStamp: [Int] = []
    var verdicts: [SectionRules.Verdict] = []
    var verdictAllowed: [Bool] = []
    var klpStamp: [Int] = []
    var klpOfObject: [Int] = []
    /// Uses in the order found, 12 bytes each (a patch that converts 200,000 relocations has as many): grouped by
    /// entry into one array when planning ends, so a plan's uses cost three allocations however many relocations
    /// there are. A place is a relocation section with one verdict; `placeTable` gives the index in `useTables` of
    /// its section's relocation table (the object's own, encoded or not), one per section with uses.
    struct FoundUse {
        var entry: Int32
        var place: Int32
        var relocation: Int32
    }
    var foundUses: [FoundUse] = []
    var places: [UsePlace] = []
    var placeTable: [Int32] = []
    var useTables: [SectionContent] = []
    /// The section being planned's entry in `useTables`, once it has a use (-1 before).
    var sectionTable: Int32 = -1
    /// Per relocation object, its place in the section being planned (stamped like `verdicts`); -1 for none yet.
    var placeStamp: [Int] = []
    var placeOfObject: [Int32] = []
    /// The section's place for uses that do not move (verdict `.allowed`).
    var allowedPlace: Int32 = -1
    /// Names of annotations that a planned symbol answers (checked at the end for annotations nothing used).
    var annotatedEntries: Set<String> = []
    /// Undefined symbols that an existing klp section uses without SHN_LIVEPATCH (reported there, once).
    var usedByKlpSection: Set<SymbolID> = []

    /// The candidate lines of this plan's symbols, read when something asks for them.
    let candidateLines: CandidateLines

    init(object: ELFObject, database: SymbolDatabase, options: ConversionOptions) {
        self.object = object
        self.database = database
        self.options = options
        candidateLines = CandidateLines(database: database)
        plan = ConversionPlan(
            inputPath: object.path, machine: object.header.machine, databaseOrder: database.order,
            symbols: [], annotations: [], removedSections: [], removedSymbols: [],
            createdSections: [], diagnostics: [])
    }

    mutating func run() -> ConversionPlan {
        if let problem = ArchitectureRules.unsupportedMachine(object.header.machine) {
            plan.diagnostics.append(Diagnostic(.error, problem))
            return plan
        }
        let scan = AnnotationReader.scan(object)
        plan.annotations = scan.annotations
        plan.diagnostics += scan.diagnostics
        plan.diagnostics += AnnotationReader.conflicts(scan.annotations)
        for a in scan.annotations where annotationsByName[a.symbol] == nil { annotationsByName[a.symbol] = a }
        plan.sectionsToRemove = scan.sectionsToRemove
        plan.symbolsToRemove = scan.symbolsToRemove
        relocationState = [Int32](
            repeating: Self.unknownSymbol,
            count: (object.symbols.map(\.id.rawValue).max() ?? 0) + 1)
        symbolPlace = [Int32](repeating: -1, count: relocationState.count)
        // Entries are for undefined and livepatch symbols only: their count sizes the plan's arrays once.
        var mayPlan = 0
        for place in object.symbols.indices where object.symbols[place].id.rawValue >= 0 {
            symbolPlace[object.symbols[place].id.rawValue] = Int32(place)
            let section = object.symbols[place].section
            if section == .undefined || section == .livepatch { mayPlan += 1 }
        }
        plan.symbols.reserveCapacity(mayPlan)
        entryStatus.reserveCapacity(mayPlan)
        entryObject.reserveCapacity(mayPlan)
        seenSymbols = [Bool](repeating: false, count: relocationState.count)
        for id in scan.symbolsToRemove where relocationState.indices.contains(id.rawValue) {
            relocationState[id.rawValue] = Self.removedSymbol
        }
        plan.removedSections = object.sections.filter { scan.sectionsToRemove.contains($0.id) }.map(\.name)
        plan.removedSymbols = object.symbols.filter { scan.symbolsToRemove.contains($0.id) }
            .map { $0.name.isEmpty ? "(section symbol)" : $0.name }

        // Annotation sections go; nothing else may still point at them (sh_link, or sh_info as a section).
        for section in object.sections where !scan.sectionsToRemove.contains(section.id) {
            var targets: [SectionID] = section.link.map { [$0] } ?? []
            if case .section(let id) = section.info { targets.append(id) }
            for id in targets where scan.sectionsToRemove.contains(id) {
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "section \(section.name) refers to annotation section \(object.section(id)?.name ?? "?"), which the conversion removes",
                        at: .init(section: section.name)))
            }
        }

        for section in object.sections where section.isRelocation && !scan.sectionsToRemove.contains(section.id) {
            if section.isKlpRelocationSection { continue }
            planRelocations(of: section)
        }
        // Klp sections already in the input (a second run, a hand-made section): their symbols are listed as
        // converted and validated like the rest; anything the livepatch core would refuse is reported here.
        for section in object.sections
        where section.isKlpRelocationSection && !scan.sectionsToRemove.contains(section.id) {
            noteExistingKlpRelocations(of: section)
        }

        // An annotation is for an undefined symbol of that name; one that only a symbol the patch defines could
        // match is a mistake (another file of the patch may define a static of the same name: that is fine).
        // The names relocations use, built once, when the first annotation needs them.
        lazy var referenced = referencedNames()
        for a in scan.annotations where !annotatedEntries.contains(a.symbol) {
            let at = Diagnostic.Location(section: a.source, offset: a.recordOffset, symbol: a.symbol, object: a.object)
            if let own = object.symbols.first(where: { $0.name == a.symbol && definesInPatch($0) }) {
                let place = ownSectionName(own).map { " in \($0)" } ?? ""
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "KLP_SYMPOS(\(a.symbol), \(a.position)) annotates "
                            + "\(a.symbol), which the livepatch defines itself\(place): only symbols the patch leaves "
                            + "undefined are looked up in \(a.object); declare it extern or remove the annotation",
                        at: at))
            } else if !referenced.contains(a.symbol) {
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "Couldn't find rela for annotated symbol: "
                            + "\(a.symbol)", at: at))
            }
        }
        groupUses()
        checkLeftoverUndefined()
        finishNames()
        checkSignature()
        return plan
    }

    /// A symbol the patch defines (not one of the annotation arrays, which the conversion removes).
    private func definesInPatch(_ symbol: Symbol) -> Bool {
        switch symbol.section {
        case .section(let id): return !plan.sectionsToRemove.contains(id) && !symbol.name.isEmpty
        case .absolute, .common: return true
        case .undefined, .livepatch, .reserved: return false
        }
    }

    private func ownSectionName(_ symbol: Symbol) -> String? {
        if case .section(let id) = symbol.section { return object.section(id)?.name }
        return nil
    }

    /// DECISIONS 9: a conversion changes the bytes a module signature covers. A plan that changes nothing
    /// writes the input's bytes back, signature included, so only a plan that changes the module is refused.
    private mutating func checkSignature() {
        guard let bytes = object.inputBytes, let found = ModuleSignature.find(in: bytes), !plan.changesNothing else {
            return
        }
        switch found {
        case .failure(let problem):
            plan.diagnostics.append(Diagnostic(.error, "\(object.path): \(problem)"))
        case .success(let signature) where options.dropSignature:
            plan.diagnostics.append(
                Diagnostic(
                    .warning,
                    "\(object.path): module signature dropped "
                        + "(\(signature.signatureLength) bytes): the output is unsigned; sign it again (scripts/sign-file) "
                        + "before loading it on a kernel that checks module signatures"))
        case .success(let signature):
            plan.diagnostics.append(
                Diagnostic(
                    .error,
                    "\(object.path): module is signed "
                        + "(\(signature.signatureLength)-byte signature appended) and conversion changes the signed bytes: "
                        + "convert before signing (kbuild signs at modules_install), or pass --drop-signature and sign the "
                        + "output again"))
        }
    }

    /// The name a message gives a relocation's symbol: a section symbol has no name of its own.
    private func displayName(_ symbol: Symbol) -> String {
        guard symbol.name.isEmpty else { return symbol.name }
        if case .section(let id) = symbol.section, let section = object.section(id) {
            return "the section symbol of \(section.name)"
        }
        return "a symbol without a name (index \(symbol.id.rawValue))"
    }

    /// Records the uses of the livepatch symbols of an existing klp section (status `converted`, validated in
    /// `classify`), and refuses any other symbol there: the livepatch core only resolves SHN_LIVEPATCH symbols.
    private mutating func noteExistingKlpRelocations(of section: Section) {
        let (_, base) = baseName(of: section)
        sectionStamp += 1
        allowedPlace = -1
        sectionTable = -1
        var reported: Set<SymbolID> = []  // once per symbol and section, not once per relocation
        for (k, r) in section.relocations.enumerated() {
            // Removed symbols are reported by the annotation scan; symbols outside the table have no entry.
            guard let sid = r.symbol, relocationState.indices.contains(sid.rawValue),
                relocationState[sid.rawValue] != Self.removedSymbol, symbolPlace[sid.rawValue] >= 0
            else { continue }
            let place = Int(symbolPlace[sid.rawValue])
            guard object.symbols[place].section == .livepatch else {
                let symbol = object.symbols[place]
                if symbol.isUndefined { usedByKlpSection.insert(sid) }
                guard reported.insert(sid).inserted else { continue }
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "klp relocation section \(section.name) uses "
                            + "\(displayName(symbol)), which is not a livepatch symbol (.klp.sym.<object>.<name>,<position> "
                            + "with SHN_LIVEPATCH 0xff20): the livepatch core refuses the module",
                        at: .init(section: base, offset: r.offset, symbol: symbol.name)))
                continue
            }
            var state = relocationState[sid.rawValue]
            if state == Self.unknownSymbol {
                let location = Diagnostic.Location(section: base, offset: r.offset, symbol: object.symbols[place].name)
                guard let index = entry(for: object.symbols[place], firstUse: location) else { continue }
                state = Int32(index)
            }
            guard state >= 0 else { continue }
            foundUses.append(
                FoundUse(entry: state, place: usePlace(section, base: base, relObject: -1), relocation: Int32(k)))
        }
    }

    /// The index of `symbol`'s entry in the plan, classifying it on first use; nil for symbols that need nothing.
    private mutating func entry(for symbol: Symbol, firstUse: Diagnostic.Location) -> Int? {
        let sid = symbol.id
        let state = relocationState[sid.rawValue]
        if state >= 0 { return Int(state) }
        if state == Self.skippedSymbol { return nil }
        guard Self.needsPlanning(symbol) else {
            relocationState[sid.rawValue] = Self.skippedSymbol
            return nil
        }
        // Filled in place: returning the entry from the classifier's many exits copied it (every string and array
        // in it retained, then released).
        var entry = PlannedSymbol(
            id: symbol.id, name: symbol.name, isWeak: symbol.isWeak,
            status: symbol.section == .livepatch ? .converted : .notFound, target: nil, relocationObject: nil,
            candidateLines: nil, uses: [], newName: nil, annotation: nil, exportedBy: [])
        if symbol.section == .livepatch {
            classifyLivepatch(symbol, &entry, firstUse: firstUse)
        } else {
            classify(symbol, &entry, firstUse: firstUse)
        }
        // classify looked an ordinary undefined name up in `annotationsByName` already; klp names and livepatch
        // symbols took other paths.
        let klpNamed = symbol.section == .livepatch || symbol.name.hasPrefix(KLPNames.symbolPrefix)
        if klpNamed ? annotationsByName[symbol.name] != nil : entry.annotation != nil {
            annotatedEntries.insert(symbol.name)
        }
        entryStatus.append(entry.status)
        entryObject.append(relocationObjectID(entry.relocationObject ?? entry.target?.object ?? ""))
        plan.symbols.append(entry)
        relocationState[sid.rawValue] = Int32(plan.symbols.count - 1)
        return plan.symbols.count - 1
    }

    /// Whether relocations to `symbol` are planned at all: not for symbols defined here, nor for `.TOC.`.
    private static func needsPlanning(_ symbol: Symbol) -> Bool {
        switch symbol.section {
        case .section, .absolute, .common, .reserved: return false
        case .livepatch: return true
        case .undefined: return symbol.name != ".TOC."
        }
    }

    /// The place for uses in the section being planned by symbols of `relObject` (with its verdict), or by symbols
    /// that do not move (-1: verdict `.allowed`), made on the first such use. Uses whose verdict is `.allowed` share
    /// one place per section.
    private mutating func usePlace(_ section: Section, base: String, relObject: Int) -> Int32 {
        if relObject >= 0 && placeStamp[relObject] == sectionStamp { return placeOfObject[relObject] }
        let allowed = relObject < 0 || verdictAllowed[relObject]
        if !allowed || allowedPlace < 0 {
            places.append(
                UsePlace(
                    relocationSection: section.name, baseSection: base,
                    verdict: allowed ? .allowed : verdicts[relObject]))
            if sectionTable < 0 {
                useTables.append(section.content)
                sectionTable = Int32(useTables.count - 1)
            }
            placeTable.append(sectionTable)
            if allowed { allowedPlace = Int32(places.count - 1) }
        }
        let id = allowed ? allowedPlace : Int32(places.count - 1)
        if relObject >= 0 {
            placeStamp[relObject] = sectionStamp
            placeOfObject[relObject] = id
        }
        return id
    }

    /// Gives every entry its uses: one array for the plan, ordered by entry, each entry's in the order found.
    private mutating func groupUses() {
        guard !foundUses.isEmpty else { return }
        var start = [Int](repeating: 0, count: plan.symbols.count + 1)
        for use in foundUses { start[Int(use.entry) + 1] += 1 }
        for i in plan.symbols.indices { start[i + 1] += start[i] }
        var next = start
        // Locals: a call on `self` from the closure below copied the whole planner (every array in it retained)
        // once per run of uses.
        let (uses, places, placeTable, useTables) = (foundUses, places, placeTable, useTables)
        let machine = object.header.machine
        let all = [SymbolUse](unsafeUninitializedCapacity: uses.count) { buffer, count in
            // A section's uses are consecutive: each run of them reads its table in place, taken once.
            var run = 0
            while run < uses.count {
                let table = placeTable[Int(uses[run].place)]
                var end = run + 1
                while end < uses.count && placeTable[Int(uses[end].place)] == table { end += 1 }
                RelocationTableReader.read(useTables[Int(table)]) { records in
                    for use in uses[run..<end] {
                        let r = records.relocation(Int(use.relocation))
                        (buffer.baseAddress! + next[Int(use.entry)]).initialize(
                            to: SymbolUse(
                                place: places[Int(use.place)], offset: r.offset, type: r.type, machine: machine,
                                addend: r.addend))
                        next[Int(use.entry)] += 1
                    }
                }
                run = end
            }
            count = uses.count
        }
        for i in plan.symbols.indices { plan.symbols[i].uses = all[start[i]..<start[i + 1]] }
        foundUses = []
        self.places = []
        self.placeTable = []
        self.useTables = []
    }

    private mutating func relocationObjectID(_ name: String) -> Int32 {
        // A patch targets a few objects, and their names are the database's own strings: comparing them is cheaper
        // than hashing the name.
        if relocationObjects.count <= 8, let known = relocationObjects.firstIndex(of: name) { return Int32(known) }
        if relocationObjects.count > 8, let known = relocationObjectIndex[name] { return known }
        let id = Int32(relocationObjects.count)
        relocationObjects.append(name)
        relocationObjectIndex[name] = id
        verdictStamp.append(-1)
        verdicts.append(.allowed)
        verdictAllowed.append(true)
        klpStamp.append(-1)
        klpOfObject.append(-1)
        placeStamp.append(-1)
        placeOfObject.append(-1)
        return id
    }

    /// Names of the symbols that ordinary relocations use (for annotations nothing in the patch used).
    private func referencedNames() -> Set<String> {
        var names: Set<String> = []
        for symbol in object.symbols where seenSymbols.indices.contains(symbol.id.rawValue) {
            if seenSymbols[symbol.id.rawValue] { names.insert(symbol.name) }
        }
        return names
    }

    private func baseName(of section: Section) -> (SectionID?, String) {
        if let target = section.relocationTarget, let base = object.section(target) { return (target, base.name) }
        for prefix in [".rela", ".rel"] where section.name.hasPrefix(prefix) {
            return (nil, String(section.name.dropFirst(prefix.count)))
        }
        return (nil, section.name)
    }

    /// Plans every relocation of one ordinary relocation section, read in place (RelocationReading).
    private mutating func planRelocations(of section: Section) {
        if case .encodedRelocations(let table) = section.content {
            if let used = table.usedSymbols, needsNoPlanning(used) { return }
            table.withRecords { planRelocations(of: section, $0) }
        } else {
            section.relocations.withUnsafeBufferPointer {
                planRelocations(of: section, DecodedRelocationRecords(records: $0))
            }
        }
    }

    /// Whether a table whose records use the symbols marked in `used` (by identity) needs no planning: every such
    /// symbol is one the loop over its records would skip (not planned, see needsPlanning, or not in the table).
    /// Those met here first are then marked as that loop would mark them (seen, and skipped from now on).
    private mutating func needsNoPlanning(_ used: [Bool]) -> Bool {
        let ids = used.indices.dropFirst().prefix(while: { $0 < relocationState.count })
        for id in ids where used[id] && relocationState[id] != Self.skippedSymbol {
            guard relocationState[id] == Self.unknownSymbol else { return false }
            let place = Int(symbolPlace[id])
            guard place >= 0 else { continue }
            if Self.needsPlanning(object.symbols[place]) { return false }
        }
        for id in ids where used[id] && relocationState[id] == Self.unknownSymbol && symbolPlace[id] >= 0 {
            seenSymbols[id] = true
            relocationState[id] = Self.skippedSymbol
        }
        return true
    }

    /// Per relocation only its symbol index and arrays indexed by symbol id, entry and object are read; the whole
    /// record is decoded for a symbol that needs planning, strings are touched when a use is recorded or a
    /// message written.
    private mutating func planRelocations(of section: Section, _ relocations: some RelocationReading) {
        let (baseID, base) = baseName(of: section)
        let baseSection = baseID.flatMap { object.section($0) }
        let rela = section.type == .rela
        let allocated = baseSection.map { $0.flags.contains(.alloc) } ?? true
        let machine = object.header.machine
        // The section rule and the klp section depend only on (this section, object): decided once per object.
        sectionStamp += 1
        allowedPlace = -1
        sectionTable = -1
        for k in 0..<relocations.count {
            let id = relocations.symbolIdentity(k)
            // Symbols outside the table (no such id) are skipped, as object.symbol(sid) would find nothing.
            guard id >= 0, id < relocationState.count else { continue }
            let sid = SymbolID(id)
            var state = relocationState[id]
            if state == Self.skippedSymbol { continue }
            if state == Self.removedSymbol {
                // v7: every relocation to an annotation symbol goes (e.g. in .rela.debug_info). Any other use
                // (code returning the array's address) would silently become 0 once the array is gone.
                if !base.hasPrefix(".debug") {
                    let name = object.symbol(sid).map(displayName) ?? "?"
                    plan.diagnostics.append(
                        Diagnostic(
                            .error,
                            "\(section.name) uses \(name), a KLP_MODULE_RELOC "
                                + "annotation array, which conversion removes: the use would become 0; the annotations are "
                                + "for klp-convert only, the patch's code and data may not refer to them",
                            at: .init(section: base, offset: relocations.relocation(k).offset)))
                }
                plan.droppedRelocations[section.id, default: []].append(k)
                continue
            }
            let place = Int(symbolPlace[sid.rawValue])
            guard place >= 0 else { continue }
            let r = relocations.relocation(k)
            seenSymbols[sid.rawValue] = true
            if state == Self.unknownSymbol {
                let location = Diagnostic.Location(section: base, offset: r.offset, symbol: object.symbols[place].name)
                guard let index = entry(for: object.symbols[place], firstUse: location) else { continue }
                state = Int32(index)
            }
            let index = Int(state)
            let status = entryStatus[index]
            let relObject = Int(entryObject[index])
            let moves = status.converts || status == .converted
            let judged = moves || status == .refused
            if judged && verdictStamp[relObject] != sectionStamp {
                verdicts[relObject] = SectionRules.judge(
                    base: base, object: relocationObjects[relObject], allocated: allocated)
                verdictAllowed[relObject] = verdicts[relObject] == .allowed
                verdictStamp[relObject] = sectionStamp
            }
            // The verdict itself (it may carry a message) is read only when it is not `.allowed`.
            let allowed = !judged || verdictAllowed[relObject]
            foundUses.append(
                FoundUse(
                    entry: state, place: usePlace(section, base: base, relObject: judged ? relObject : -1),
                    relocation: Int32(k)))
            guard judged else { continue }
            if !allowed {
                switch verdicts[relObject] {
                case .allowed: break
                case .readOnlyLate(let why):
                    let name = object.symbols[place].name
                    let objectName = relocationObjects[relObject]
                    plan.diagnostics.append(
                        Diagnostic(
                            options.strict ? .error : .warning,
                            "late relocation into read-only memory for symbol: \(name) section: \(section.name) object: \(objectName): \(why)",
                            at: .init(section: base, offset: r.offset, symbol: name, object: objectName)))
                case .refused(let why):
                    let name = object.symbols[place].name
                    let objectName = relocationObjects[relObject]
                    plan.diagnostics.append(
                        Diagnostic(
                            .error,
                            "Conversion not supported for symbol: \(name) section: \(section.name) object: \(objectName) (\(why))",
                            at: .init(section: base, offset: r.offset, symbol: name, object: objectName)))
                    plan.symbols[index].status = .refused
                    entryStatus[index] = .refused
                    continue
                }
            }
            // A symbol already SHN_LIVEPATCH in an ordinary relocation section (a hand-made or half-converted
            // input) moves into its klp section like a newly converted one: the loader would apply it with 0.
            // (A symbol refused by an earlier relocation does not move.)
            guard moves else { continue }
            if let problem = ArchitectureRules.problem(
                machine: machine, order: object.header.byteOrder, relocation: r, base: baseSection)
            {
                // The input already carries this relocation: the module is broken with or without conversion, so
                // this is a warning (an error with --strict), not a refusal to convert.
                let name = object.symbols[place].name
                plan.diagnostics.append(
                    Diagnostic(
                        options.strict ? .error : .warning,
                        "relocation the kernel will reject for symbol: \(name) section: \(section.name): \(problem)",
                        at: .init(section: base, offset: r.offset, symbol: name)))
            }
            guard rela else {
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "Unable to convert relocation: \(object.symbols[place].name) in \(section.name): the kernel applies klp relocations with apply_relocate_add, which needs SHT_RELA",
                        at: .init(section: base, offset: r.offset, symbol: object.symbols[place].name)))
                continue
            }
            guard let baseID else {
                plan.diagnostics.append(
                    Diagnostic(
                        .error, "relocation section \(section.name) has no target section (sh_info 0)",
                        at: .init(section: base, offset: r.offset, symbol: object.symbols[place].name)))
                continue
            }
            if klpStamp[relObject] != sectionStamp {
                klpOfObject[relObject] = klpSection(object: relocationObjects[relObject], baseID: baseID, base: base)
                klpStamp[relObject] = sectionStamp
            }
            let klp = klpOfObject[relObject]
            plan.createdSections[klp].relocationCount += 1
            plan.moves.append(.init(relocationSection: section.id, index: k, klpSection: klp))
        }
    }

    private mutating func klpSection(object relObject: String, baseID: SectionID, base: String) -> Int {
        let name = KLPNames.relocationSection(object: relObject, base: base)
        let key = "\(name)\u{0}\(baseID.rawValue)"
        if let i = klpSectionIndex[key] { return i }
        if existingKlpSections == nil {
            // Built once: klp sections already in the input (a second run), by name and target.
            existingKlpSections = Set(
                object.sections.compactMap { s in
                    s.name.hasPrefix(KLPNames.relaPrefix)
                        ? s.relocationTarget.map { "\(s.name)\u{0}\($0.rawValue)" } : nil
                })
        }
        let exists = existingKlpSections?.contains(key) ?? false
        plan.createdSections.append(
            PlannedKlpSection(
                name: name, object: relObject, base: base, relocationCount: 0,
                exists: exists))
        plan.klpSectionBases.append(baseID)
        klpSectionIndex[key] = plan.createdSections.count - 1
        return plan.createdSections.count - 1
    }

    /// `entry` marked invalid, with the error that says why.
    private mutating func reject(_ entry: inout PlannedSymbol, _ message: String, at location: Diagnostic.Location) {
        entry.status = .invalid
        plan.diagnostics.append(Diagnostic(.error, message, at: location))
    }

    /// Decides what happens to an undefined symbol (other than `.TOC.`), in its new `entry`.
    private mutating func classify(_ symbol: Symbol, _ entry: inout PlannedSymbol, firstUse: Diagnostic.Location) {
        if symbol.name.hasPrefix(KLPNames.minimalPrefix) {
            guard let m = KLPNames.parseMinimal(symbol.name) else {
                reject(
                    &entry,
                    "Invalid format of symbol (\(symbol.name)): expected "
                        + ".klp.sym.rela.<patched object>.<symbol object>.<name>,<position>",
                    at: firstUse)
                return
            }
            entry.candidateLines = PlannedCandidates(lines: candidateLines, name: m.name)
            entry.annotation = Annotation(
                object: m.symbolObject, symbol: m.name, position: m.position, source: symbol.name)
            switch PositionValidator(database: database).validate(
                object: m.symbolObject, name: m.name, position: m.position, location: firstUse)
            {
            case .valid(let target, let note):
                entry.status = .annotated
                entry.target = target
                entry.relocationObject = m.patchedObject
                if let note { plan.diagnostics.append(Diagnostic(options.strict ? .error : .note, note, at: firstUse)) }
                if m.symbolObject == "vmlinux" && m.patchedObject != "vmlinux" {
                    reject(
                        &entry,
                        "\(symbol.name): a module-specific klp relocation section (.klp.rela.\(m.patchedObject).*) "
                            + "may not reference vmlinux symbols; the kernel refuses it",
                        at: firstUse)
                    return
                }
            case .invalid(let d):
                entry.status = .invalid
                plan.diagnostics.append(d)
            }
            return
        }
        if symbol.name.hasPrefix(KLPNames.symbolPrefix) {
            reject(
                &entry, "symbol \(symbol.name) has a klp name but is undefined (st_shndx 0, not SHN_LIVEPATCH 0xff20)",
                at: firstUse)
            return
        }

        entry.candidateLines = PlannedCandidates(lines: candidateLines, name: symbol.name)
        let exporters = database.exportingObjects(of: symbol.name)
        entry.exportedBy = exporters
        let chosen = options.choices.isEmpty ? nil : options.choices[symbol.name]
        let annotation = annotationsByName[symbol.name]
        entry.annotation = annotation

        if !exporters.isEmpty && chosen == nil && annotation == nil {
            if exporters.contains("vmlinux") || !options.convertModuleExports {
                entry.status = .exported
                return
            }
            // Late module patching: the export becomes a klp relocation against the exporting module.
            let module = exporters[0]
            guard exporters.count == 1 else {
                entry.status = .ambiguous
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "symbol \(symbol.name) is exported by several modules (\(exporters.joined(separator: ", "))); choose one with KLP_MODULE_RELOC",
                        at: firstUse))
                return
            }
            guard database.copies(of: symbol.name, in: module) <= 1 else {
                markAmbiguous(&entry, at: firstUse)
                return
            }
            entry.status = .automatic
            entry.target = SymbolTarget(object: module, position: 0)
            return
        }

        if let explicit = chosen.map({ ($0, SymbolStatus.chosen) })
            ?? annotation.map({ (SymbolTarget(object: $0.object, position: $0.position), SymbolStatus.annotated) })
        {
            let severity: Diagnostic.Severity = options.strict ? .error : .warning
            let claim =
                explicit.1 == .chosen
                ? "the choice \(symbol.name)=\(explicit.0)"
                : "KLP_SYMPOS(\(symbol.name), \(explicit.0.position)) for \(explicit.0.object)"
            if let chosen, let annotation,
                chosen != SymbolTarget(object: annotation.object, position: annotation.position)
            {
                plan.diagnostics.append(
                    Diagnostic(
                        severity,
                        "the choice \(symbol.name)=\(chosen) overrides the "
                            + "patch's KLP_SYMPOS(\(symbol.name), \(annotation.position)) for \(annotation.object) "
                            + "(\(annotation.source))", at: firstUse))
            }
            switch PositionValidator(database: database).validate(
                object: explicit.0.object, name: symbol.name, position: explicit.0.position, location: firstUse,
                claim: explicit.1 == .chosen ? .choice : .annotation)
            {
            case .valid(let target, let note):
                entry.status = explicit.1
                entry.target = target
                if let note { plan.diagnostics.append(Diagnostic(options.strict ? .error : .note, note, at: firstUse)) }
                // An export is normally left to the module loader; an explicit position wins (the user may mean
                // a static homonym of the export), but not without a word.
                if !exporters.isEmpty {
                    plan.diagnostics.append(
                        Diagnostic(
                            severity,
                            "\(symbol.name) is exported by "
                                + "\(exporters.joined(separator: ", ")), which the module loader would resolve; \(claim) "
                                + "makes its relocations klp relocations to "
                                + "\(target.object).\(symbol.name),\(target.position) instead", at: firstUse))
                }
            case .invalid(let d):
                entry.status = .invalid
                plan.diagnostics.append(d)
            }
            return
        }

        switch database.occurrence(of: symbol.name) {
        case .once(let object):
            entry.status = .automatic
            entry.target = SymbolTarget(object: object, position: 0)
        case .none:
            if symbol.isWeak {
                entry.status = .weakUndefined
                plan.diagnostics.append(
                    Diagnostic(
                        .warning,
                        "weak symbol \(symbol.name) is not in symbols.klp: left undefined (the kernel leaves an unresolved weak symbol at 0)",
                        at: firstUse))
            } else {
                entry.status = .notFound
                plan.diagnostics.append(
                    Diagnostic(.error, "Unable to find missing symbol: \(symbol.name)", at: firstUse))
            }
        case .several:
            markAmbiguous(&entry, at: firstUse)
        }
    }

    /// `entry` marked ambiguous, with the error that lists its candidates.
    private mutating func markAmbiguous(_ entry: inout PlannedSymbol, at location: Diagnostic.Location) {
        entry.status = .ambiguous
        plan.diagnostics.append(
            Diagnostic(
                .error, "Define KLP_SYMPOS for the symbol: \(entry.name)", at: location,
                detail: CandidateListing.lines(
                    symbol: entry.name, candidates: entry.candidates, order: database.order)))
    }

    /// A symbol already in the livepatch format (an earlier run's output, or a hand-made one): its name must
    /// parse and, as `check --symbols` does, name an object and a position the database has.
    private mutating func classifyLivepatch(
        _ symbol: Symbol, _ entry: inout PlannedSymbol, firstUse: Diagnostic.Location
    ) {
        guard let parsed = KLPNames.parseSymbol(symbol.name) else {
            reject(
                &entry,
                "symbol \(displayName(symbol)) is SHN_LIVEPATCH (0xff20) but "
                    + "its name is not .klp.sym.<object>.<name>,<position>: the livepatch core refuses it",
                at: firstUse)
            return
        }
        entry.target = SymbolTarget(object: parsed.object, position: parsed.position)
        entry.relocationObject = parsed.object
        entry.candidateLines = PlannedCandidates(lines: candidateLines, name: parsed.name)
        switch PositionValidator(database: database).validateLivepatchSymbol(symbol.name, parsed, location: firstUse) {
        case .valid(_, let note):
            if let note { plan.diagnostics.append(Diagnostic(options.strict ? .error : .note, note, at: firstUse)) }
        case .invalid(let d):
            entry.status = .invalid
            plan.diagnostics.append(d)
        }
    }

    /// The kernel resolves every SHN_UNDEF symbol at load time, used or not; a non-weak one that is not exported
    /// fails the load ("Unknown symbol"). Catch those here instead.
    private mutating func checkLeftoverUndefined() {
        let annotated = Set(plan.annotations.map(\.symbol))
        for symbol in object.symbols where symbol.isUndefined && !symbol.isWeak && !symbol.name.isEmpty {
            // Planned (an entry) or skipped by a relocation's use: not left over.
            let state =
                relocationState.indices.contains(symbol.id.rawValue)
                ? relocationState[symbol.id.rawValue] : Self.unknownSymbol
            if state >= 0 || state == Self.skippedSymbol { continue }
            if plan.symbolsToRemove.contains(symbol.id) { continue }
            if symbol.name == ".TOC." || annotated.contains(symbol.name) { continue }
            if usedByKlpSection.contains(symbol.id) { continue }
            if database.isExported(symbol.name) { continue }
            plan.diagnostics.append(
                Diagnostic(
                    .error,
                    "undefined symbol \(symbol.name) is used by no relocation and is not exported: the kernel would refuse the module (Unknown symbol \(symbol.name))",
                    at: .init(symbol: symbol.name)))
        }
    }

    private mutating func finishNames() {
        for i in plan.symbols.indices where plan.symbols[i].status.converts {
            guard let target = plan.symbols[i].target else { continue }
            let planned = plan.symbols[i].name
            let name = plan.symbols[i].annotation != nil ? KLPNames.parseMinimal(planned)?.name ?? planned : planned
            let problem: String?
            if let why = KLPNames.objectNameProblem(target.object) {
                problem = "Unable to convert symbol name (\(name)): \(why)"
            } else if let relObject = plan.symbols[i].relocationObject, let why = KLPNames.objectNameProblem(relObject)
            {
                problem = "Unable to convert relocation: \(name): \(why)"
            } else if let why = KLPNames.symbolNameProblem(name) {
                problem = "Unable to convert symbol name (\(name)): \(why)"
            } else {
                problem = nil
            }
            if let problem {
                plan.diagnostics.append(Diagnostic(.error, problem, at: .init(symbol: planned)))
                continue
            }
            plan.symbols[i].newName = KLPNames.symbol(object: target.object, name: name, position: target.position)
        }
    }
}
