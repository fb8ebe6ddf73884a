/// The evidence for the copies of every patched function, in the order of the statuses: the same ranking and
/// evidence as a relocation's candidates (issue 12), so a copy in the file of another patched function of the
/// object is suggested with the reason. An entry that already selects one copy shows no suggestion (as for a
/// resolved relocation).
public enum PatchedFunctionEvidence {
    public static func gather(
        _ functions: [PatchedFunctionStatus], bytes: UnsafeRawBufferPointer, path: String, order: DatabaseOrder,
        targets: PatchTargets
    ) throws(DatabaseError) -> [[CopyEvidence]] {
        // Keys no symbol name can take: one entry per klp_func, even when two entries name the same function.
        let entries = functions.enumerated().map { i, f in
            (name: key(i), candidates: f.copies, decided: f.verdict == .ok)
        }
        let gathered = try CopyRanking.gather(
            symbols: entries, bytes: bytes, path: path, order: order, targets: targets)
        // File order, as the positions count (the ranking lists targeted objects first; all are one object).
        return functions.indices.map { i in (gathered[key(i)] ?? []).sorted { $0.candidate.line < $1.candidate.line } }
    }

    private static func key(_ i: Int) -> String { "\u{0}\(i)" }
}
