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

/// Either kind of table behind one type, for loops that read a few records of each of many tables (a branch per
/// record rather than a specialisation per kind). Both readers are stored flat, the unused one empty: an enum of
/// the two was copied through an outlined function on every record read.
struct RelocationTableReader: RelocationReading {
    private let isEncoded: Bool
    private let encoded: EncodedRelocationRecords
    private let decoded: DecodedRelocationRecords

    private static var noEncodedRecords: EncodedRelocationRecords {
        EncodedRelocationRecords(
            raw: UnsafeRawBufferPointer(start: nil, count: 0), order: .little, layout: RecordLayout.elf64.rela)
    }
    private static var noDecodedRecords: DecodedRelocationRecords {
        DecodedRelocationRecords(records: UnsafeBufferPointer(start: nil, count: 0))
    }

    private init(encoded: EncodedRelocationRecords) {
        isEncoded = true
        self.encoded = encoded
        decoded = Self.noDecodedRecords
    }

    private init(decoded: DecodedRelocationRecords) {
        isEncoded = false
        encoded = Self.noEncodedRecords
        self.decoded = decoded
    }

    var count: Int { isEncoded ? encoded.count : decoded.count }

    @inline(__always) func symbolIdentity(_ k: Int) -> Int {
        isEncoded ? encoded.symbolIdentity(k) : decoded.symbolIdentity(k)
    }

    @inline(__always) func relocation(_ k: Int) -> Relocation {
        isEncoded ? encoded.relocation(k) : decoded.relocation(k)
    }

    /// Calls `body` with a reader of `content`'s records where they are (none for a content that is not a
    /// relocation table).
    static func read<R>(_ content: SectionContent, _ body: (RelocationTableReader) throws -> R) rethrows -> R {
        switch content {
        case .encodedRelocations(let table):
            return try table.withRecords { try body(RelocationTableReader(encoded: $0)) }
        case .relocations(let list, _):
            return try list.withUnsafeBufferPointer {
                try body(RelocationTableReader(decoded: DecodedRelocationRecords(records: $0)))
            }
        default:
            return try body(RelocationTableReader(decoded: noDecodedRecords))
        }
    }
}
