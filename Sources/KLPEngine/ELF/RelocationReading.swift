// A relocation table read record by record without building [Relocation]: the symbol of each record, and a whole
// record only where one is needed. The conversion planner's loop over every relocation (100,000+ in a livepatch
// with debug info, nearly all against symbols it skips) reads tables still encoded as read and decoded ones the
// same way.

protocol RelocationReading {
    var count: Int { get }
    /// The raw value of record `k`'s symbol identity; -1 when the record has no symbol.
    func symbolIdentity(_ k: Int) -> Int
    func relocation(_ k: Int) -> Relocation
}

extension EncodedRelocationRecords: RelocationReading {
    /// Symbol index 0 is no symbol; any other is the identity the reader gave the symbol with that index.
    @inline(__always) func symbolIdentity(_ k: Int) -> Int {
        let index = symbolIndex(k)
        return index == 0 ? -1 : index
    }

    @inline(__always) func relocation(_ k: Int) -> Relocation { Relocation(record(k)) }
}

/// A decoded table read through its buffer (no retain of the array per record).
struct DecodedRelocationRecords: RelocationReading {
    let records: UnsafeBufferPointer<Relocation>

    var count: Int { records.count }
    @inline(__always) func symbolIdentity(_ k: Int) -> Int { records[k].symbol?.rawValue ?? -1 }
    @inline(__always) func relocation(_ k: Int) -> Relocation { records[k] }
}
