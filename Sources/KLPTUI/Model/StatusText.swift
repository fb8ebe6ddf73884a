import KLPEngine

// How a symbol status is shown: a fixed-width text badge (readable without colour), a style, and a sentence.

enum StatusText {
    static let badgeWidth = 8

    static func badge(_ status: SymbolStatus) -> String {
        switch status {
        case .automatic: "auto"
        case .annotated: "annot"
        case .chosen: "chosen"
        case .ambiguous: "AMBIG!"
        case .notFound: "MISSING!"
        case .invalid: "INVALID!"
        case .refused: "REFUSED!"
        case .exported: "export"
        case .weakUndefined: "weak"
        case .converted: "done"
        }
    }

    static func label(_ status: SymbolStatus) -> String {
        switch status {
        case .automatic: "Resolved automatically"
        case .annotated: "Chosen by annotation"
        case .chosen: "Chosen here"
        case .ambiguous: "Ambiguous"
        case .notFound: "Not found"
        case .invalid: "Invalid choice"
        case .refused: "Refused by section rule"
        case .exported: "Exported"
        case .weakUndefined: "Weak, left undefined"
        case .converted: "Already converted"
        }
    }

    static func style(_ status: SymbolStatus) -> Style {
        switch status {
        case .automatic, .annotated, .converted: .good
        case .chosen: .chosen
        case .ambiguous, .notFound, .invalid, .refused: .error
        case .exported: .exported
        case .weakUndefined: .warning
        }
    }

    static func explanation(_ s: PlannedSymbol) -> String {
        switch s.status {
        case .automatic: "unique in symbols.klp"
        case .annotated: "KLP_SYMPOS in the patch source"
        case .chosen: "picked in this session"
        case .ambiguous:
            s.candidates.isEmpty ? "several exporters" : "\(s.candidates.count) candidates: pick one below (Enter)"
        case .notFound: "in no object of symbols.klp"
        case .invalid: "the database contradicts the annotation or choice"
        case .refused: "used from a section where a klp relocation cannot work"
        case .exported: "exported by \(s.exportedBy.joined(separator: ", ")): the module loader resolves it"
        case .weakUndefined: "weak and unknown: stays undefined (0 at load)"
        case .converted: "SHN_LIVEPATCH already"
        }
    }
}
