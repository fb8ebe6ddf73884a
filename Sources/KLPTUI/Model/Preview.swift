import KLPEngine

// The before/after view of the converted ELF: the plan is applied to a copy of the input (exactly what the
// writer would get) and the two objects are compared by their stable section and symbol identities.

public struct PreviewLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case heading, unchanged, added, removed, changed, note, warning }
    public var kind: Kind
    public var before: String
    public var after: String

    /// Marker printed in front of the line so the kind reads without colour.
    var marker: String {
        switch kind {
        case .added: "+"
        case .removed: "-"
        case .changed: "~"
        case .warning: "!"
        default: " "
        }
    }
}

enum PreviewBuilder {
    /// The lines for `plan`, made for `object`, whose result is `after` (`Converter.apply(plan, to: object)`).
    static func lines(object: ELFObject, plan: ConversionPlan, after: ELFObject) -> [PreviewLine] {
        var out: [PreviewLine] = []
        let errors = plan.diagnostics.errors.count
        if errors > 0 {
            out.append(
                PreviewLine(
                    kind: .warning,
                    before:
                        "\(errors) error\(errors == 1 ? "" : "s") left: the output cannot be written yet; this shows the part that is resolved",
                    after: ""))
        } else {
            out.append(PreviewLine(kind: .note, before: "No errors: `w` writes this output", after: ""))
        }
        out.append(PreviewLine(kind: .heading, before: "SECTIONS in the input", after: "SECTIONS in the output"))
        var unchanged = 0
        for s in object.sections {
            let now = after.section(s.id)
            if now == nil {
                out.append(PreviewLine(kind: .removed, before: describe(s), after: "(removed)"))
            } else if let now, s.isRelocation, now.relocationCount != s.relocationCount {
                out.append(PreviewLine(kind: .changed, before: describe(s), after: describe(now)))
            } else if s.isRelocation {
                out.append(PreviewLine(kind: .unchanged, before: describe(s), after: describe(s)))
            } else {
                unchanged += 1
            }
        }
        for s in after.sections where object.section(s.id) == nil {
            out.append(PreviewLine(kind: .added, before: "", after: describe(s) + " (klp)"))
        }
        if unchanged > 0 {
            out.append(
                PreviewLine(
                    kind: .note, before: "\(unchanged) other section\(unchanged == 1 ? "" : "s") unchanged", after: ""))
        }
        out.append(PreviewLine(kind: .heading, before: "SYMBOLS in the input", after: "SYMBOLS in the output"))
        var symbolChanges = 0
        for sym in object.symbols {
            guard let now = after.symbol(sym.id) else {
                out.append(
                    PreviewLine(kind: .removed, before: "\(displayName(sym)) (\(placement(sym)))", after: "(removed)"))
                symbolChanges += 1
                continue
            }
            if now.name != sym.name || now.section != sym.section {
                out.append(
                    PreviewLine(
                        kind: .changed, before: "\(sym.name) (\(placement(sym)))",
                        after: "\(now.name) (\(placement(now)))"))
                symbolChanges += 1
            }
        }
        for entry in plan.symbols where entry.status.isProblem {
            out.append(
                PreviewLine(
                    kind: .warning, before: "\(entry.name) (UND)",
                    after: "stays undefined: \(StatusText.label(entry.status).lowercased())"))
        }
        if symbolChanges == 0 {
            out.append(PreviewLine(kind: .note, before: "No symbol changes", after: ""))
        }
        return out
    }

    static func describe(_ s: Section) -> String {
        if s.isRelocation {
            let n = s.relocationCount
            return "\(s.name)  \(n) reloc\(n == 1 ? "" : "s")"
        }
        return "\(s.name)  \(s.size) bytes"
    }

    static func displayName(_ s: Symbol) -> String { s.name.isEmpty ? "(section symbol)" : s.name }

    static func placement(_ s: Symbol) -> String {
        switch s.section {
        case .undefined: "UND"
        case .livepatch: "SHN_LIVEPATCH"
        case .absolute: "ABS"
        case .common: "COM"
        case .section: "defined"
        case .reserved(let v): "0x\(String(v, radix: 16))"
        }
    }
}
