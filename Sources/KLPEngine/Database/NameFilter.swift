import CLineScan

/// The `only:` set of a targeted load, arranged so that most lines are rejected by one bit test: the wanted names
/// are stored in one buffer, a line is rejected by a bitmap over a hash of its first and last 8 bytes and its
/// length (a branch that almost never goes the other way, unlike a test of the length alone, which mispredicted
/// on about every other line of a small patch), and the few left over are looked up in an open-addressing
/// table on that hash (not compared with every wanted name of their length: a patch with 1,000 names has ~25 of
/// most lengths, and that loop was most of the targeted scan). The hash and the test are C (klp_name_filter.h),
/// shared with the scanner's C line loop (klp_skip_unwanted_lines); this class builds their tables. It is a
/// class over raw memory so that the per-line check does no reference counting; the memory is written only in
/// init and read-only afterwards, hence @unchecked Sendable.
final class NameFilter: @unchecked Sendable {
    let names: Set<String>
    /// The tables as klp_name_filter's functions read them (pointers into the allocations below).
    let tables: UnsafeMutablePointer<klp_name_filter>
    /// Offsets of the names in `bytes`, and their lengths.
    private let offsets: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    /// First and last 8 bytes of each name (klp_name_words), so a slot holding another name is passed over by
    /// two word compares without calling memcmp.
    private let heads: UnsafeMutablePointer<UInt64>
    private let tails: UnsafeMutablePointer<UInt64>
    private let bitmap: UnsafeMutablePointer<UInt64>
    /// Open addressing on the same hash: name index per slot, -1 for empty; at most half full.
    private let slots: UnsafeMutablePointer<Int32>
    private let bytes: UnsafeMutablePointer<UInt8>

    init(_ names: Set<String>) {
        self.names = names
        let sorted = names.filter { !$0.isEmpty }.map { Array($0.utf8) }.sorted { $0.count < $1.count }
        count = sorted.count
        offsets = .allocate(capacity: max(sorted.count, 1))
        lengths = .allocate(capacity: max(sorted.count, 1))
        heads = .allocate(capacity: max(sorted.count, 1))
        tails = .allocate(capacity: max(sorted.count, 1))
        let bitmapWords = Int(KLP_NAME_FILTER_BITMAP_WORDS)
        bitmap = .allocate(capacity: bitmapWords)
        bitmap.initialize(repeating: 0, count: bitmapWords)
        var slotCount = 16
        while slotCount < 2 * sorted.count { slotCount *= 2 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        let slotMask = slotCount - 1
        let total = sorted.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        var offset = 0
        for (index, name) in sorted.enumerated() {
            offsets[index] = offset
            lengths[index] = name.count
            for byte in name {
                bytes[offset] = byte
                offset += 1
            }
            var head: UInt64 = 0
            var tail: UInt64 = 0
            klp_name_words(bytes + offsets[index], name.count, &head, &tail)
            heads[index] = head
            tails[index] = tail
            let hash = klp_name_hash(head, tail, name.count)
            let bit = klp_name_bit(hash)
            bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
            var slot = klp_name_slot(hash, slotMask)
            while slots[slot] >= 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(index)
        }
        tables = .allocate(capacity: 1)
        tables.initialize(
            to: klp_name_filter(
                bitmap: bitmap, slots: slots, slot_mask: slotMask, heads: heads, tails: tails, lengths: lengths,
                offsets: offsets, bytes: bytes))
    }

    deinit {
        tables.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        heads.deallocate()
        tails.deallocate()
        bitmap.deallocate()
        slots.deallocate()
        bytes.deallocate()
    }

    /// How many names the filter wants (empty names are never wanted); `entry` numbers them 0..<count.
    let count: Int

    /// The index of the name at `pointer[0..<length]` among the wanted names, or -1 when it is not wanted.
    @inline(__always)
    func entry(_ pointer: UnsafeRawPointer, _ length: Int) -> Int {
        klp_name_filter_entry(tables, pointer.assumingMemoryBound(to: UInt8.self), length)
    }

    @inline(__always)
    func contains(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        entry(pointer, length) >= 0
    }
}
