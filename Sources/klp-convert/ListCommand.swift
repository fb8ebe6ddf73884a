import ArgumentParser
// FoundationEssentials only: the full Foundation would load ICU at every start of the tool (kbuild runs it once
// per livepatch), for nothing the tool needs.
import FoundationEssentials
import KLPEngine

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the relocations a conversion would change, grouped by symbol, with their candidates.",
        discussion: """
            Exit status: 0 when every listed relocation can be converted (what convert would do with the same \
            choices); 255 when the plan has an error (an ambiguous, missing or invalid symbol, a refused section) \
            or on any other error, usage included. The listing is printed either way.
            """)

    @OptionGroup var inputs: PatchInputs
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(help: "Also list exported and already converted symbols.") var all = false
    @OptionGroup var choices: ChoiceOptions
    @OptionGroup var flags: ConversionFlags

    func run() throws {
        var options = flags.options
        options.choices = try choices.load(failure: ExitStatus.failure)
        // The patch and symbols.klp are each read once: the plan and the evidence come from the same bytes (so a
        // database given as a pipe works too).
        let plan: ConversionPlan
        let shown: [PlannedSymbol]
        let evidence: [String: [CopyEvidence]]
        let functionEvidence: [[CopyEvidence]]
        do {
            let patch = try ELFObject.read(path: inputs.input)
            let targets = PatchTargets.read(patch)
            let path = inputs.symbols
            let file = try InputFile.readDatabase(path, what: "Symbol list")
            (plan, shown, evidence, functionEvidence) = try file.withBytes { bytes throws(DatabaseError) in
                let database = try SymbolDatabase.parse(
                    bytes: bytes, path: path, only: databaseNames(for: patch, targets: targets))
                let plan = Converter(database: database, options: options, patchTargets: targets).plan(patch)
                let shown = plan.symbols.filter { all || ($0.status != .exported && $0.status != .converted) }
                return (
                    plan, shown,
                    try copyEvidence(for: shown, targets: targets, bytes: bytes, path: path, order: plan.databaseOrder),
                    try patchedFunctionEvidence(plan, targets: targets, bytes: bytes, path: path)
                )
            }
        } catch {
            Report.failure(error)
            throw ExitStatus.failure
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var document = PlanJSON(plan, symbols: shown, evidence: evidence)
            document.patchedFunctions = PatchedFunctionJSON.entries(plan.patchedFunctions, evidence: functionEvidence)
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else {
            let text =
                PlanText.render(plan, symbols: shown, evidence: evidence)
                + PatchedFunctionText.render(plan.patchedFunctions, evidence: functionEvidence)
            print(TerminalSafe.lines(text), terminator: "")
        }
        if plan.hasErrors { throw ExitStatus.failure }
    }
}

/// Plain-text rendering of a plan for `list`.
enum PlanText {
    static func render(_ plan: ConversionPlan, symbols: [PlannedSymbol], evidence: [String: [CopyEvidence]] = [:])
        -> String
    {
        var out = ""
        if symbols.isEmpty { out += "no relocations need conversion\n" }
        for s in symbols {
            let target = s.target.map { " -> \($0.object),\($0.position)" } ?? ""
            let export =
                s.exportedBy.isEmpty || s.status == .exported
                ? "" : "  (exported by \(s.exportedBy.joined(separator: ", ")))"
            out += "\(s.name)  [\(s.status.rawValue)]\(target)\(s.newName.map { "  \($0)" } ?? "")\(export)\n"
            for u in s.uses {
                out +=
                    "    \(u.baseSection)+0x\(String(u.offset, radix: 16))  \(u.typeName)\(u.addend != 0 ? " \(u.addend)" : "")  (\(u.relocationSection))\n"
            }
            if s.candidates.count > 1 || s.status.isProblem {
                for c in s.candidates {
                    let copy = evidence[s.name]?.first { $0.candidate == c }
                    let file = (copy?.place ?? c.file).map { "  \($0)" } ?? ""
                    let address = copy?.evidence.addressText.map { "  \($0)" } ?? ""
                    let mark = s.target.map { $0.object == c.object && $0.position == c.position } == true ? "*" : " "
                    let suggested = copy?.reason.map { "  suggested: \($0)" } ?? ""
                    out +=
                        "  \(mark) candidate \(c.object),\(c.position)  (\(c.copiesInObject) in \(c.object))\(file)"
                        + "\(address)\(suggested)\n"
                }
            }
        }
        if !plan.createdSections.isEmpty {
            out += "klp relocation sections:\n"
            for k in plan.createdSections { out += "    \(k.name)  \(k.relocationCount) relocation(s)\n" }
        }
        if !plan.removedSections.isEmpty {
            out += "removed: \(plan.removedSections.joined(separator: ", "))\n"
        }
        for d in plan.diagnostics {
            out += "\(d.severity.rawValue): \(d.message)\n"
        }
        return out
    }
}

/// JSON rendering of a plan for `list --json` (stable keys; meant for scripts and editors).
struct PlanJSON: Encodable {
    struct Use: Encodable {
        var relocationSection: String, section: String, offset: UInt64, type: String, addend: Int64
    }
    struct Candidate: Encodable {
        var object: String, position: Int, copies: Int, file: String?
        // Evidence (README "list --json"): tree-relative source path, declaration line, address as hex,
        // kallsyms neighbours, and the patch's own suggestion.
        var source: String?, line: Int?, address: String?, neighbours: Neighbours, suggested: Bool, reason: String?

        enum CodingKeys: String, CodingKey {
            case object, position, copies, file, source, line, address, neighbours, suggested, reason
        }

        init(_ c: DatabaseCandidate, evidence copy: CopyEvidence?) {
            let e = copy?.evidence ?? SymbolEvidence()
            self.init(
                object: c.object, position: c.position, copies: c.copiesInObject, file: c.file,
                source: c.file, line: e.declarationLine, address: e.addressText,
                neighbours: Neighbours(before: e.before, after: e.after),
                suggested: copy?.suggested ?? false, reason: copy?.reason)
        }

        init(
            object: String, position: Int, copies: Int, file: String?, source: String?, line: Int?,
            address: String?, neighbours: Neighbours, suggested: Bool, reason: String?
        ) {
            self.object = object
            self.position = position
            self.copies = copies
            self.file = file
            self.source = source
            self.line = line
            self.address = address
            self.neighbours = neighbours
            self.suggested = suggested
            self.reason = reason
        }

        /// Evidence keys are always present, `null` when unknown (synthesised coding would leave them out).
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(object, forKey: .object)
            try c.encode(position, forKey: .position)
            try c.encode(copies, forKey: .copies)
            try c.encodeIfPresent(file, forKey: .file)
            try c.encode(source, forKey: .source)
            try c.encode(line, forKey: .line)
            try c.encode(address, forKey: .address)
            try c.encode(neighbours, forKey: .neighbours)
            try c.encode(suggested, forKey: .suggested)
            try c.encode(reason, forKey: .reason)
        }
    }
    struct Neighbours: Encodable {
        var before: [String], after: [String]
    }
    struct SymbolEntry: Encodable {
        var name: String, status: String, weak: Bool
        var uses: [Use], candidates: [Candidate]
        var object: String?, position: Int?, klpName: String?, exportedBy: [String]?
    }
    struct KlpSection: Encodable {
        var name: String, object: String, section: String, relocations: Int
    }
    struct Finding: Encodable {
        var severity: String, message: String, location: String?
    }

    var input: String
    var machine: String
    var databaseOrder: String
    var symbols: [SymbolEntry]
    var klpSections: [KlpSection]
    var removedSections: [String]
    var diagnostics: [Finding]
    /// The klp_func entries with their verdict (set by `list` after the plan's evidence).
    var patchedFunctions: [PatchedFunctionJSON] = []

    init(_ plan: ConversionPlan, symbols shown: [PlannedSymbol], evidence: [String: [CopyEvidence]]) {
        input = plan.inputPath
        machine = plan.machine.shortName
        databaseOrder = plan.databaseOrder == .kallsyms ? "kallsyms" : "name-sorted"
        symbols = shown.map { s in
            SymbolEntry(
                name: s.name, status: s.status.rawValue, weak: s.isWeak,
                uses: s.uses.map {
                    Use(
                        relocationSection: $0.relocationSection, section: $0.baseSection, offset: $0.offset,
                        type: $0.typeName, addend: $0.addend)
                },
                candidates: s.candidates.map { c in
                    Candidate(c, evidence: evidence[s.name]?.first { $0.candidate == c })
                },
                object: s.target?.object, position: s.target?.position, klpName: s.newName,
                exportedBy: s.exportedBy.isEmpty ? nil : s.exportedBy)
        }
        klpSections = plan.createdSections.map {
            KlpSection(name: $0.name, object: $0.object, section: $0.base, relocations: $0.relocationCount)
        }
        removedSections = plan.removedSections
        diagnostics = plan.diagnostics.map { d in
            Finding(
                severity: d.severity.rawValue, message: d.message,
                location: d.location.flatMap { $0.description.isEmpty ? nil : $0.description })
        }
    }
}
