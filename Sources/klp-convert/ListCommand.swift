import ArgumentParser
import Foundation
import KLPEngine

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the relocations a conversion would change, grouped by symbol, with their candidates.")

    @Argument(help: "The symbol database (symbols.klp).") var symbols: String
    @Argument(help: "The livepatch module (.ko or .o).") var input: String
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(help: "Also list exported and already converted symbols.") var all = false
    @OptionGroup var choices: ChoiceOptions
    @Flag(help: "Convert references to module exports too (as the convert option).") var convertModuleExports = false

    func run() throws {
        var options = ConversionOptions(convertModuleExports: convertModuleExports)
        do {
            options.choices = try choices.load()
        } catch let e as ValidationError {
            throw e
        } catch {
            Report.failure(error)
            throw ExitCode.failure
        }
        let plan: ConversionPlan
        do {
            let object = try ELFObject.read(path: input)
            let database = try loadDatabase(path: symbols, for: object, symvers: [])
            plan = Converter(database: database, options: options).plan(object)
        } catch {
            Report.failure(error)
            throw ExitCode.failure
        }
        let shown = plan.symbols.filter { all || ($0.status != .exported && $0.status != .converted) }
        if json {
            let data = try JSONSerialization.data(withJSONObject: PlanJSON.object(plan, symbols: shown),
                                                  options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data)
            print()
        } else {
            print(TerminalSafe.lines(PlanText.render(plan, symbols: shown)), terminator: "")
        }
        if plan.hasErrors { throw ExitCode.failure }
    }
}

/// Plain-text rendering of a plan for `list`.
enum PlanText {
    static func render(_ plan: ConversionPlan, symbols: [PlannedSymbol]) -> String {
        var out = ""
        if symbols.isEmpty { out += "no relocations need conversion\n" }
        for s in symbols {
            let target = s.target.map { " -> \($0.object),\($0.position)" } ?? ""
            out += "\(s.name)  [\(s.status.rawValue)]\(target)\(s.newName.map { "  \($0)" } ?? "")\n"
            for u in s.uses {
                out += "    \(u.baseSection)+0x\(String(u.offset, radix: 16))  \(u.typeName)\(u.addend != 0 ? " \(u.addend)" : "")  (\(u.relocationSection))\n"
            }
            if s.candidates.count > 1 || s.status.isProblem {
                for c in s.candidates {
                    let file = c.file.map { "  \($0)" } ?? ""
                    let mark = s.target.map { $0.object == c.object && $0.position == c.position } == true ? "*" : " "
                    out += "  \(mark) candidate \(c.object),\(c.position)  (\(c.copiesInObject) in \(c.object))\(file)\n"
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
enum PlanJSON {
    static func object(_ plan: ConversionPlan, symbols: [PlannedSymbol]) -> [String: Any] {
        [
            "input": plan.inputPath,
            "machine": Machine.name(plan.machine),
            "databaseOrder": plan.databaseOrder == .kallsyms ? "kallsyms" : "name-sorted",
            "symbols": symbols.map { s -> [String: Any] in
                var d: [String: Any] = [
                    "name": s.name, "status": s.status.rawValue, "weak": s.isWeak,
                    "uses": s.uses.map { u -> [String: Any] in
                        ["relocationSection": u.relocationSection, "section": u.baseSection, "offset": u.offset,
                         "type": u.typeName, "addend": u.addend]
                    },
                    "candidates": s.candidates.map { c -> [String: Any] in
                        var e: [String: Any] = ["object": c.object, "position": c.position, "copies": c.copiesInObject]
                        if let f = c.file { e["file"] = f }
                        return e
                    },
                ]
                if let t = s.target { d["object"] = t.object; d["position"] = t.position }
                if let n = s.newName { d["klpName"] = n }
                if !s.exportedBy.isEmpty { d["exportedBy"] = s.exportedBy }
                return d
            },
            "klpSections": plan.createdSections.map { ["name": $0.name, "object": $0.object, "section": $0.base, "relocations": $0.relocationCount] },
            "removedSections": plan.removedSections,
            "diagnostics": plan.diagnostics.map { d -> [String: Any] in
                var e: [String: Any] = ["severity": d.severity.rawValue, "message": d.message]
                if let l = d.location, !l.description.isEmpty { e["location"] = l.description }
                return e
            },
        ]
    }
}
