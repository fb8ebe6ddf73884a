// Decides, for every relocation of a livepatch, whether it stays an ordinary relocation or becomes a klp
// relocation, and against which (object, position). All problems of the whole file are collected.

public struct Converter: Sendable {
    public let database: SymbolDatabase
    public let options: ConversionOptions
    /// The patch's klp_patch/klp_object/klp_func tables, when the caller has read them already; read here otherwise.
    public let patchTargets: PatchTargets?

    public init(
        database: SymbolDatabase, options: ConversionOptions = ConversionOptions(), patchTargets: PatchTargets? = nil
    ) {
        self.database = database
        self.options = options
        self.patchTargets = patchTargets
    }

    /// Plans the conversion of `object` without changing it.
    public func plan(_ object: ELFObject) -> ConversionPlan {
        var planner = ConversionPlanner(object: object, database: database, options: options)
        var plan = planner.run()
        // Other machines are refused by the planner already, with the reason.
        if options.checkFunctions && PatchedFunctionChecker.supportedMachines.contains(object.header.machine) {
            let functions = PatchedFunctionChecker(database: database).check(object, targets: patchTargets)
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
    var referencedNames: Set<String> = []
    /// Per SymbolID.rawValue, like `relocationState`: the symbol's place in `object.symbols` (-1: none), and
    /// whether its name is already in `referencedNames`. Array reads per relocation instead of hashing ids.
    var symbolPlace: [Int32] = []
    var seenSymbols: [Bool] = []
    /// Undefined symbols that an existing klp section uses without SHN_LIVEPATCH (reported there, once).
    var usedByKlpSection: Set<SymbolID> = []

    init(object: ELFObject, database: SymbolDatabase, options: ConversionOptions) {
        self.object = object
        self.database = database
        self.options = options
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
        for (place, symbol) in object.symbols.enumerated() where symbol.id.rawValue >= 0 {
            symbolPlace[symbol.id.rawValue] = Int32(place)
        }
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
        let planned = Set(plan.symbols.map(\.name))
        for a in scan.annotations where !planned.contains(a.symbol) {
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
            } else if !referencedNames.contains(a.symbol) {
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "Couldn't find rela for annotated symbol: "
                            + "\(a.symbol)", at: at))
            }
        }
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
        var reported: Set<SymbolID> = []  // once per symbol and section, not once per relocation
        for r in section.relocations {
            guard let sid = r.symbol, relocationState.indices.contains(sid.rawValue),
                relocationState[sid.rawValue] != Self.removedSymbol,  // reported by the annotation scan
                let symbol = object.symbol(sid)
            else { continue }
            let location = Diagnostic.Location(section: base, offset: r.offset, symbol: symbol.name)
            guard symbol.section == .livepatch else {
                if symbol.isUndefined { usedByKlpSection.insert(sid) }
                guard reported.insert(sid).inserted else { continue }
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "klp relocation section \(section.name) uses "
                            + "\(displayName(symbol)), which is not a livepatch symbol (.klp.sym.<object>.<name>,<position> "
                            + "with SHN_LIVEPATCH 0xff20): the livepatch core refuses the module", at: location))
                continue
            }
            guard let index = entry(for: symbol, firstUse: location) else { continue }
            plan.symbols[index].uses.append(
                SymbolUse(
                    relocationSection: section.name, baseSection: base, offset: r.offset, type: r.type,
                    typeName: r.type.name(machine: object.header.machine), addend: r.addend, verdict: .allowed))
        }
    }

    /// The index of `symbol`'s entry in the plan, classifying it on first use; nil for symbols that need nothing.
    private mutating func entry(for symbol: Symbol, firstUse: Diagnostic.Location) -> Int? {
        let sid = symbol.id
        let state = relocationState[sid.rawValue]
        if state >= 0 { return Int(state) }
        if state == Self.skippedSymbol { return nil }
        guard let entry = classify(symbol, firstUse: firstUse) else {
            relocationState[sid.rawValue] = Self.skippedSymbol
            return nil
        }
        plan.symbols.append(entry)
        relocationState[sid.rawValue] = Int32(plan.symbols.count - 1)
        return plan.symbols.count - 1
    }

    private func baseName(of section: Section) -> (SectionID?, String) {
        if let target = section.relocationTarget, let base = object.section(target) { return (target, base.name) }
        for prefix in [".rela", ".rel"] where section.name.hasPrefix(prefix) {
            return (nil, String(section.name.dropFirst(prefix.count)))
        }
        return (nil, section.name)
    }

    private mutating func planRelocations(of section: Section) {
        let (baseID, base) = baseName(of: section)
        let rela = section.type == .rela
        let allocated = baseID.flatMap { object.section($0) }.map { $0.flags.contains(.alloc) } ?? true
        // The section rule and the klp section depend only on (this section, object): decided once per object
        // here instead of building names and messages for every relocation.
        var verdicts: [String: SectionRules.Verdict] = [:]
        var klpSections: [String: Int] = [:]
        for (k, r) in section.relocations.enumerated() {
            // Symbols outside the table (no such id) are skipped, as object.symbol(sid) would find nothing.
            guard let sid = r.symbol, relocationState.indices.contains(sid.rawValue) else { continue }
            let state = relocationState[sid.rawValue]
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
                            at: .init(section: base, offset: r.offset)))
                }
                plan.droppedRelocations[section.id, default: []].append(k)
                continue
            }
            if state == Self.skippedSymbol { continue }
            let place = Int(symbolPlace[sid.rawValue])
            guard place >= 0 else { continue }
            let symbol = object.symbols[place]
            if !seenSymbols[sid.rawValue] {
                seenSymbols[sid.rawValue] = true
                referencedNames.insert(symbol.name)
            }
            let location = Diagnostic.Location(section: base, offset: r.offset, symbol: symbol.name)
            guard let index = entry(for: symbol, firstUse: location) else { continue }
            // Only the entry's scalars are read here: a copy of the whole entry would share its `uses` buffer,
            // and the append below would then copy every earlier use (quadratic in the uses of one symbol).
            let status = plan.symbols[index].status
            let relObject = plan.symbols[index].relocationObject ?? plan.symbols[index].target?.object ?? ""
            let moves = status.converts || status == .converted
            var verdict = SectionRules.Verdict.allowed
            if moves || status == .refused {
                if let known = verdicts[relObject] {
                    verdict = known
                } else {
                    verdict = SectionRules.judge(base: base, object: relObject, allocated: allocated)
                    verdicts[relObject] = verdict
                }
            }
            plan.symbols[index].uses.append(
                SymbolUse(
                    relocationSection: section.name, baseSection: base, offset: r.offset, type: r.type,
                    typeName: r.type.name(machine: object.header.machine), addend: r.addend,
                    verdict: verdict))
            guard moves || status == .refused else { continue }
            switch verdict {
            case .allowed: break
            case .readOnlyLate(let why):
                plan.diagnostics.append(
                    Diagnostic(
                        options.strict ? .error : .warning,
                        "late relocation into read-only memory for symbol: \(symbol.name) section: \(section.name) object: \(relObject): \(why)",
                        at: location.with(object: relObject)))
            case .refused(let why):
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "Conversion not supported for symbol: \(symbol.name) section: \(section.name) object: \(relObject) (\(why))",
                        at: location.with(object: relObject)))
                plan.symbols[index].status = .refused
                continue
            }
            // A symbol already SHN_LIVEPATCH in an ordinary relocation section (a hand-made or half-converted
            // input) moves into its klp section like a newly converted one: the loader would apply it with 0.
            guard plan.symbols[index].status.converts || plan.symbols[index].status == .converted else { continue }
            if let problem = ArchitectureRules.problem(
                machine: object.header.machine, order: object.header.byteOrder,
                relocation: r, base: baseID.flatMap { object.section($0) })
            {
                // The input already carries this relocation: the module is broken with or without conversion, so
                // this is a warning (an error with --strict), not a refusal to convert.
                plan.diagnostics.append(
                    Diagnostic(
                        options.strict ? .error : .warning,
                        "relocation the kernel will reject for symbol: \(symbol.name) section: \(section.name): \(problem)",
                        at: location))
            }
            guard rela else {
                plan.diagnostics.append(
                    Diagnostic(
                        .error,
                        "Unable to convert relocation: \(symbol.name) in \(section.name): the kernel applies klp relocations with apply_relocate_add, which needs SHT_RELA",
                        at: location))
                continue
            }
            guard let baseID else {
                plan.diagnostics.append(
                    Diagnostic(
                        .error, "relocation section \(section.name) has no target section (sh_info 0)", at: location))
                continue
            }
            let klp: Int
            if let known = klpSections[relObject] {
                klp = known
            } else {
                klp = klpSection(object: relObject, baseID: baseID, base: base)
                klpSections[relObject] = klp
            }
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
    private mutating func rejected(_ entry: PlannedSymbol, _ message: String, at location: Diagnostic.Location)
        -> PlannedSymbol
    {
        var entry = entry
        entry.status = .invalid
        plan.diagnostics.append(Diagnostic(.error, message, at: location))
        return entry
    }

    /// Decides what happens to one symbol; nil for symbols that need nothing (defined here, `.TOC.`).
    private mutating func classify(_ symbol: Symbol, firstUse: Diagnostic.Location) -> PlannedSymbol? {
        switch symbol.section {
        case .section, .absolute, .common, .reserved: return nil
        case .livepatch:
            return classifyLivepatch(symbol, firstUse: firstUse)
        case .undefined: break
        }
        if symbol.name == ".TOC." { return nil }
        var entry = PlannedSymbol(
            id: symbol.id, name: symbol.name, isWeak: symbol.isWeak, status: .notFound,
            target: nil, relocationObject: nil, candidates: [], uses: [], newName: nil,
            annotation: nil, exportedBy: [])

        if symbol.name.hasPrefix(KLPNames.minimalPrefix) {
            guard let m = KLPNames.parseMinimal(symbol.name) else {
                return rejected(
                    entry,
                    "Invalid format of symbol (\(symbol.name)): expected "
                        + ".klp.sym.rela.<patched object>.<symbol object>.<name>,<position>",
                    at: firstUse)
            }
            entry.candidates = database.candidates(named: m.name)
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
                    return rejected(
                        entry,
                        "\(symbol.name): a module-specific klp relocation section (.klp.rela.\(m.patchedObject).*) "
                            + "may not reference vmlinux symbols; the kernel refuses it",
                        at: firstUse)
                }
            case .invalid(let d):
                entry.status = .invalid
                plan.diagnostics.append(d)
            }
            return entry
        }
        if symbol.name.hasPrefix(KLPNames.symbolPrefix) {
            return rejected(
                entry, "symbol \(symbol.name) has a klp name but is undefined (st_shndx 0, not SHN_LIVEPATCH 0xff20)",
                at: firstUse)
        }

        entry.candidates = database.candidates(named: symbol.name)
        let exporters = database.exportingObjects(of: symbol.name)
        entry.exportedBy = exporters
        let chosen = options.choices[symbol.name]
        let annotation = annotationsByName[symbol.name]
        entry.annotation = annotation

        if !exporters.isEmpty && chosen == nil && annotation == nil {
            if exporters.contains("vmlinux") || !options.convertModuleExports {
                entry.status = .exported
                return entry
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
                return entry
            }
            let copies = entry.candidates.filter { $0.object == module }.count
            guard copies <= 1 else { return ambiguous(entry, at: firstUse) }
            entry.status = .automatic
            entry.target = SymbolTarget(object: module, position: 0)
            return entry
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
            return entry
        }

        switch entry.candidates.count {
        case 1:
            entry.status = .automatic
            entry.target = SymbolTarget(object: entry.candidates[0].object, position: 0)
        case 0:
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
        default:
            return ambiguous(entry, at: firstUse)
        }
        return entry
    }

    /// `entry` marked ambiguous, with the error that lists its candidates.
    private mutating func ambiguous(_ entry: PlannedSymbol, at location: Diagnostic.Location) -> PlannedSymbol {
        var entry = entry
        entry.status = .ambiguous
        plan.diagnostics.append(
            Diagnostic(
                .error, "Define KLP_SYMPOS for the symbol: \(entry.name)", at: location,
                detail: CandidateListing.lines(
                    symbol: entry.name, candidates: entry.candidates, order: database.order)))
        return entry
    }

    /// A symbol already in the livepatch format (an earlier run's output, or a hand-made one): its name must
    /// parse and, as `check --symbols` does, name an object and a position the database has.
    private mutating func classifyLivepatch(_ symbol: Symbol, firstUse: Diagnostic.Location) -> PlannedSymbol {
        var entry = PlannedSymbol(
            id: symbol.id, name: symbol.name, isWeak: symbol.isWeak, status: .converted,
            target: nil, relocationObject: nil, candidates: [], uses: [], newName: nil,
            annotation: nil, exportedBy: [])
        guard let parsed = KLPNames.parseSymbol(symbol.name) else {
            return rejected(
                entry,
                "symbol \(displayName(symbol)) is SHN_LIVEPATCH (0xff20) but "
                    + "its name is not .klp.sym.<object>.<name>,<position>: the livepatch core refuses it",
                at: firstUse)
        }
        entry.target = SymbolTarget(object: parsed.object, position: parsed.position)
        entry.relocationObject = parsed.object
        entry.candidates = database.candidates(named: parsed.name)
        switch PositionValidator(database: database).validateLivepatchSymbol(symbol.name, parsed, location: firstUse) {
        case .valid(_, let note):
            if let note { plan.diagnostics.append(Diagnostic(options.strict ? .error : .note, note, at: firstUse)) }
        case .invalid(let d):
            entry.status = .invalid
            plan.diagnostics.append(d)
        }
        return entry
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
            let name =
                plan.symbols[i].annotation.flatMap { _ in
                    KLPNames.parseMinimal(plan.symbols[i].name)?.name
                } ?? plan.symbols[i].name
            let location = Diagnostic.Location(symbol: plan.symbols[i].name)
            if let problem = KLPNames.objectNameProblem(target.object) {
                plan.diagnostics.append(
                    Diagnostic(.error, "Unable to convert symbol name (\(name)): \(problem)", at: location))
                continue
            }
            if let relObject = plan.symbols[i].relocationObject, let problem = KLPNames.objectNameProblem(relObject) {
                plan.diagnostics.append(
                    Diagnostic(.error, "Unable to convert relocation: \(name): \(problem)", at: location))
                continue
            }
            if let problem = KLPNames.symbolNameProblem(name) {
                plan.diagnostics.append(
                    Diagnostic(.error, "Unable to convert symbol name (\(name)): \(problem)", at: location))
                continue
            }
            plan.symbols[i].newName = KLPNames.symbol(object: target.object, name: name, position: target.position)
        }
    }
}
