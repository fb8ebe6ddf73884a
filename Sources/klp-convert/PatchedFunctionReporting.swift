import KLPEngine

/// The evidence for the copies of every patched function (in the order of `plan.patchedFunctions`), read only
/// when something is shown.
func patchedFunctionEvidence(
    _ plan: ConversionPlan, targets: PatchTargets, bytes: UnsafeRawBufferPointer, path: String
) throws(DatabaseError) -> [[CopyEvidence]] {
    try PatchedFunctionEvidence.gather(
        plan.patchedFunctions, bytes: bytes, path: path, order: plan.databaseOrder, targets: targets)
}

/// `list`'s text for the patched functions.
enum PatchedFunctionText {
    static func render(_ functions: [PatchedFunctionStatus], evidence: [[CopyEvidence]]) -> String {
        guard !functions.isEmpty else { return "" }
        var out = "patched functions:\n"
        for (i, f) in functions.enumerated() {
            let known = f.objectKnown ? "" : " (object not in symbols.klp)"
            out +=
                "\(f.function.name)  [\(f.verdict.rawValue)]  \(f.function.object),old_sympos "
                + "\(f.function.position)  klp_func \(f.place)\(known)\n"
            if !f.nearestNames.isEmpty { out += "    nearest: \(f.nearestNames.joined(separator: ", "))\n" }
            guard f.copies.count > 1 || f.verdict != .ok else { continue }
            let copies = i < evidence.count ? evidence[i] : []
            for c in f.copies {
                let copy = copies.first { $0.candidate == c }
                let file = (copy?.place ?? c.file).map { "  \($0)" } ?? ""
                let address = copy?.evidence.addressText.map { "  \($0)" } ?? ""
                let mark = f.selected == c ? "*" : " "
                let suggested = copy?.reason.map { "  suggested: \($0)" } ?? ""
                out += "  \(mark) .old_sympos = \(c.position)\(file)\(address)\(suggested)\n"
            }
        }
        return out
    }
}

/// `list --json`'s "patchedFunctions" entries (README): candidates carry the relocation candidates' keys.
struct PatchedFunctionJSON: Encodable {
    struct Place: Encodable {
        var objectArray: String, objectIndex: Int, functionArray: String, functionIndex: Int
    }
    var object: String
    var name: String
    var oldSympos: Int
    var status: String
    var objectKnown: Bool
    var copies: Int
    var candidates: [PlanJSON.Candidate]
    var nearest: [String]
    var place: Place

    static func entries(_ functions: [PatchedFunctionStatus], evidence: [[CopyEvidence]]) -> [PatchedFunctionJSON] {
        functions.enumerated().map { i, f in
            let copies = i < evidence.count ? evidence[i] : []
            return PatchedFunctionJSON(
                object: f.function.object, name: f.function.name, oldSympos: f.function.position,
                status: f.verdict.rawValue, objectKnown: f.objectKnown, copies: f.copies.count,
                candidates: f.copies.map { c in PlanJSON.Candidate(c, evidence: copies.first { $0.candidate == c }) },
                nearest: f.nearestNames,
                place: Place(
                    objectArray: f.function.objectArray, objectIndex: f.function.objectIndex,
                    functionArray: f.function.functionArray, functionIndex: f.function.functionIndex))
        }
    }
}
