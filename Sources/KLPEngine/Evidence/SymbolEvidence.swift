/// What symbols.klp tells about one copy of a symbol beyond its object and position: its address and declaration
/// line (from the evidence block, when build-db had them) and its neighbours in kallsyms order (from the line
/// order of any ordered database, a kallsyms dump's included). The source file is `DatabaseCandidate.file`.
public struct SymbolEvidence: Sendable, Equatable {
    public var address: UInt64?
    /// Declaration line in `DatabaseCandidate.file` (DWARF's DW_AT_decl_line).
    public var declarationLine: Int?
    /// Up to `EvidenceReader.neighbourCount` symbols just before and after it in its object, nearest last/first.
    public var before: [String]
    public var after: [String]
    /// 0-based place among the symbol lines of its object block (kallsyms order in an ordered database): the
    /// distance between two copies of one object is the difference.
    public var index: Int

    public init(
        address: UInt64? = nil, declarationLine: Int? = nil, before: [String] = [], after: [String] = [],
        index: Int = 0
    ) {
        self.address = address
        self.declarationLine = declarationLine
        self.before = before
        self.after = after
        self.index = index
    }

    /// "ffffffff81234560" or nil.
    public var addressText: String? { address.map { String($0, radix: 16) } }
}
