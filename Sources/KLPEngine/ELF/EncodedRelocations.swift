// A relocation section's records kept as the input encodes them: a slice of the input array, not a copy. A
// livepatch with debug info has 100,000+ relocations, nearly all in .rela.debug_* sections that a conversion
// passes through with at most their symbol indices renumbered. Decoded at read into [Relocation] they cost 32
// bytes of fresh memory each (a page fault per 4 KB) and a second pass to encode them again. Kept encoded, the
// reader checks every record's symbol index in place, the planner reads symbol indices in place, and the writer
// copies the bytes (rewriting only the symbol field when the output numbers symbols differently). Whatever wants
// the records themselves decodes them: `Section.relocations`, or `relocation(at:)` for one.

public struct EncodedRelocations: Sendable {
    /// `count` records of `RecordLayout.of(elfClass).relocation(rela:)` size, in the input's byte order.
    public let bytes: ArraySlice<UInt8>
    public let elfClass: ELFClass
    public let byteOrder: ByteOrder
    public let rela: Bool
    /// Every record's symbol index is below this: the reader checked them against the symbol table it read.
    let symbolBound: Int
    /// Which symbol indices the records use, noted by the reader's check when the table has at least as many
    /// records as there are symbols (so it costs at most a byte a record): the planner and the writer then look
    /// at each symbol once instead of at each record. nil for smaller tables.
    let usedSymbols: [Bool]?

    /// `bytes` must hold whole records whose symbol indices are below `symbolBound` and, if given, marked in
    /// `usedSymbols` (the reader's checks).
    init(
        bytes: ArraySlice<UInt8>, elfClass: ELFClass, byteOrder: ByteOrder, rela: Bool, symbolBound: Int,
        usedSymbols: [Bool]? = nil
    ) {
        self.bytes = bytes
        self.elfClass = elfClass
        self.byteOrder = byteOrder
        self.rela = rela
        self.symbolBound = symbolBound
        self.usedSymbols = usedSymbols
    }

    var layout: RelocationLayout { RecordLayout.of(elfClass).relocation(rela: rela) }
    public var count: Int { bytes.count / layout.size }

    /// Record `k` (0 ..< count) decoded.
    public func relocation(at k: Int) -> Relocation {
        withRecords { Relocation($0.record(k)) }
    }

    /// Every record decoded, into fresh memory advised for huge pages when the table is large.
    public func decoded() -> [Relocation] {
        let count = self.count
        let capacity = HugePages.capacity(count: count, stride: MemoryLayout<Relocation>.stride)
        return withRecords { records in
            [Relocation](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                guard let out = buffer.baseAddress else { return }
                for k in 0..<count { (out + k).initialize(to: Relocation(records.record(k))) }
                initialized = count
            }
        }
    }

    /// Calls `body` with a reader of the records in place.
    func withRecords<R>(_ body: (EncodedRelocationRecords) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(EncodedRelocationRecords(raw: raw, order: byteOrder, layout: layout))
        }
    }
}

extension EncodedRelocations: Equatable {
    /// The same records: equal bytes read the same way. (SectionContent compares encoded and decoded tables by
    /// their decoded records.)
    public static func == (a: EncodedRelocations, b: EncodedRelocations) -> Bool {
        a.elfClass == b.elfClass && a.byteOrder == b.byteOrder && a.rela == b.rela && a.bytes == b.bytes
    }
}

/// Records of an encoded table read where they are; valid inside `EncodedRelocations.withRecords` only.
struct EncodedRelocationRecords {
    let reader: RawReader
    let layout: RelocationLayout
    let count: Int
    /// Where r_info is in a record, whether it is 64 bits (ELF64) or 32, and where its symbol index starts.
    private let infoOffset: Int
    private let wideInfo: Bool
    private let symbolShift: Int

    init(raw: UnsafeRawBufferPointer, order: ByteOrder, layout: RelocationLayout) {
        reader = RawReader(raw, order: order)
        self.layout = layout
        count = raw.count / layout.size
        infoOffset = layout.info.offset
        wideInfo = layout.info.width == 8
        symbolShift = layout.symbolShift
    }

    /// The symbol index of record `k`, read from r_info alone.
    @inline(__always) func symbolIndex(_ k: Int) -> Int {
        let o = k * layout.size + infoOffset
        return wideInfo ? Int(reader.u64(o) >> UInt64(symbolShift)) : Int(reader.u32(o) >> UInt32(symbolShift))
    }

    @inline(__always) func record(_ k: Int) -> RelocationRecord { layout.decode(reader, at: k * layout.size) }

    /// Writes r_info of record `k` into the record at `o` of `w` with its symbol index `s` replaced by
    /// `output[s]`, which the caller has checked exists and fits.
    @inline(__always) func storeSymbolIndex(
        of k: Int, _ output: UnsafeBufferPointer<UInt32>, to w: RawWriter, at o: Int
    ) {
        let from = k * layout.size + infoOffset
        if wideInfo {
            let info = reader.u64(from)
            let index = UInt64(output[Int(info >> UInt64(symbolShift))])
            w.u64(o + infoOffset, index << UInt64(symbolShift) | info & layout.typeMask)
        } else {
            let info = reader.u32(from)
            let index = output[Int(info >> UInt32(symbolShift))]
            w.u32(o + infoOffset, index << UInt32(symbolShift) | info & UInt32(truncatingIfNeeded: layout.typeMask))
        }
    }
}

extension Relocation {
    /// The model's relocation for a decoded record: symbol index 0 is no symbol, any other is the symbol read
    /// with that index (the reader numbers symbols by their index).
    init(_ r: RelocationRecord) {
        self.init(
            offset: r.offset, symbol: r.symbol == 0 ? nil : SymbolID(Int(r.symbol)), type: r.type, addend: r.addend)
    }
}
