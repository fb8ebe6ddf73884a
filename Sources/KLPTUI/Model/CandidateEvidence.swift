import KLPEngine

/// What the picker shows beside each candidate: its evidence and the patch's own suggestion (issue 12), computed
/// once when the workspace loads for every name of the patch with more than one copy. Read-only while the TUI runs.
public struct CandidateEvidence: Sendable {
    /// Copies by symbol name, then by symbols.klp line (`DatabaseCandidate.line`).
    private let copies: [String: [Int: CopyEvidence]]
    /// True when some copy has a source file or an address: otherwise the panel says once how to get them.
    public let hasAny: Bool

    public init(copies: [String: [CopyEvidence]] = [:]) {
        var byLine: [String: [Int: CopyEvidence]] = [:]
        var hasAny = false
        for (name, list) in copies {
            for copy in list {
                byLine[name, default: [:]][copy.candidate.line] = copy
                hasAny = hasAny || Self.hasEvidence(copy)
            }
        }
        self.copies = byLine
        self.hasAny = hasAny
    }

    /// A copy with a source file or an address: what the picker and the functions screen can show beside it.
    public static func hasEvidence(_ copy: CopyEvidence) -> Bool {
        copy.candidate.file != nil || copy.evidence.address != nil
    }

    /// Gathers the evidence for `object`'s homonyms from the bytes of symbols.klp.
    public static func gather(
        object: ELFObject, targets: PatchTargets, database: SymbolDatabase, bytes: UnsafeRawBufferPointer,
        path: String
    ) throws(DatabaseError) -> CandidateEvidence {
        let homonyms = object.symbols.filter(\.isUndefined).map { symbol in
            (name: symbol.name, candidates: database.candidates(named: symbol.name), decided: false)
        }.filter { $0.candidates.count > 1 }
        let copies = try CopyRanking.gather(
            symbols: homonyms, bytes: bytes, path: path, order: database.order, targets: targets)
        return CandidateEvidence(copies: copies)
    }

    /// No evidence: symbols.klp could not be read (or parsed) again for it; kept as `problem`, not fatal:
    /// the inspector works without evidence.
    public static func unread(_ error: some Error) -> CandidateEvidence {
        var none = CandidateEvidence()
        none.problem = "evidence not read: \(error)"
        return none
    }

    /// Why there is no evidence, when reading it failed.
    public var problem: String?

    public func copy(of name: String, _ candidate: DatabaseCandidate) -> CopyEvidence? {
        copies[name]?[candidate.line]
    }

    /// The suggested copy of `name`, if the patch points at one.
    public func suggestion(for name: String) -> CopyEvidence? {
        copies[name]?.values.first { $0.suggested }
    }

    /// The fix for a database without files or addresses, said once in the detail panel.
    public static let noEvidenceHint =
        "symbols.klp has no source files or addresses: klp-convert build-db --vmlinux "
        + "/usr/lib/debug/boot/vmlinux-<ver> (Debian's linux-image-<ver>-dbg) adds them"
}
