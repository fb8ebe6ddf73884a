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
        // Each name's bytes are copied once, straight into `bytes` (no array per name: a patch has ~1,000).
        var total = 0
        var wanted = 0
        for name in names where !name.isEmpty {
            total += name.utf8.count
            wanted += 1
        }
        count = wanted
        offsets = .allocate(capacity: max(wanted, 1))
        lengths = .allocate(capacity: max(wanted, 1))
        heads = .allocate(capacity: max(wanted, 1))
        tails = .allocate(capacity: max(wanted, 1))
        let bitmapWords = Int(KLP_NAME_FILTER_BITMAP_WORDS)
        bitmap = .allocate(capacity: bitmapWords)
        bitmap.initialize(repeating: 0, count: bitmapWords)
        var slotCount = 16
        while slotCount < 2 * wanted { slotCount *= 2 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        let slotMask = slotCount - 1
        let stored = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        bytes = stored
        var offset = 0
        var index = 0
        for var name in names where !name.isEmpty {
            let length = name.withUTF8 { utf8 in
                (stored + offset).update(from: utf8.baseAddress!, count: utf8.count)
                return utf8.count
            }
            offsets[index] = offset
            lengths[index] = length
            var head: UInt64 = 0
            var tail: UInt64 = 0
            klp_name_words(bytes + offset, length, &head, &tail)
            heads[index] = head
            tails[index] = tail
            let hash = klp_name_hash(head, tail, length)
            let bit = klp_name_bit(hash)
            bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
            var slot = klp_name_slot(hash, slotMask)
            while slots[slot] >= 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(index)
            offset += length
            index += 1
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
