#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `only:` set of a targeted load, arranged so that most lines are rejected by one bit test: the wanted names
/// are stored in one buffer, a line is rejected by a bitmap over a hash of its first and last 8 bytes and its
/// length (a branch that almost never goes the other way, unlike a test of the length alone, which mispredicted
/// on about every other line of a small patch), and the few left over are looked up in an open-addressing
/// table on that hash (not compared with every wanted name of their length: a patch with 1,000 names has ~25 of
/// most lengths, and that loop was most of the targeted scan). It is a class over raw memory so that the
/// per-line check does no reference counting; the memory is written only in init and read-only afterwards,
/// hence @unchecked Sendable.
final class NameFilter: @unchecked Sendable {
    let names: Set<String>
    /// Offsets of the names in `bytes`, and their lengths.
    private let entries: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    /// First and last 8 bytes of each name (overlapping for short names; names under 8 bytes are zero-padded),
    /// so a slot holding another name is passed over by two word compares without calling memcmp.
    private let heads: UnsafeMutablePointer<UInt64>
    private let tails: UnsafeMutablePointer<UInt64>
    /// 32768-bit (4 KB, L1-resident) set over the hash of (head, tail, length): with 1,000 names about 3% of
    /// other lines pass it.
    private let bitmap: UnsafeMutablePointer<UInt64>
    /// Open addressing on the same hash: entry index per slot, -1 for empty; at most half full.
    private let slots: UnsafeMutablePointer<Int32>
    private let slotMask: Int
    private let bytes: UnsafeMutablePointer<UInt8>

    init(_ names: Set<String>) {
        self.names = names
        let sorted = names.filter { !$0.isEmpty }.map { Array($0.utf8) }.sorted { $0.count < $1.count }
        entries = .allocate(capacity: max(sorted.count, 1))
        lengths = .allocate(capacity: max(sorted.count, 1))
        heads = .allocate(capacity: max(sorted.count, 1))
        tails = .allocate(capacity: max(sorted.count, 1))
        bitmap = .allocate(capacity: Self.bitmapWords)
        bitmap.initialize(repeating: 0, count: Self.bitmapWords)
        var slotCount = 16
        while slotCount < 2 * sorted.count { slotCount *= 2 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        slotMask = slotCount - 1
        let total = sorted.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        var offset = 0
        for (index, name) in sorted.enumerated() {
            entries[index] = offset
            lengths[index] = name.count
            for byte in name {
                bytes[offset] = byte
                offset += 1
            }
            let (head, tail) = Self.words(UnsafeRawPointer(bytes + entries[index]), name.count)
            heads[index] = head
            tails[index] = tail
            let hash = Self.hash(head, tail, name.count)
            let bit = Self.bit(hash)
            bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
            var slot = Self.slot(hash, slotMask)
            while slots[slot] >= 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(index)
        }
    }

    /// First and last 8 bytes (overlapping when shorter than 16); names under 8 bytes are zero-padded.
    @inline(__always)
    private static func words(_ pointer: UnsafeRawPointer, _ length: Int) -> (UInt64, UInt64) {
        if length >= 8 {
            return (
                pointer.loadUnaligned(as: UInt64.self),
                pointer.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            )
        }
        var word: UInt64 = 0
        for index in 0..<length {
            word |= UInt64(pointer.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(index))
        }
        return (word, word)
    }

    @inline(__always)
    private static func hash(_ head: UInt64, _ tail: UInt64, _ length: Int) -> UInt64 {
        let mixed =
            (head &* 0x9e37_79b9_7f4a_7c15) ^ (tail &* 0xc2b2_ae3d_27d4_eb4f)
            ^ UInt64(truncatingIfNeeded: length)
        return mixed &* 0xff51_afd7_ed55_8ccd
    }

    private static let bitmapWords = 512

    /// The bitmap takes the top 15 bits of the hash, the table bits from 20 up (tables of up to 2^29 slots).
    @inline(__always)
    private static func bit(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 49) }

    @inline(__always)
    private static func slot(_ hash: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: hash >> 20) & mask }

    deinit {
        entries.deallocate()
        lengths.deallocate()
        heads.deallocate()
        tails.deallocate()
        bitmap.deallocate()
        slots.deallocate()
        bytes.deallocate()
    }

    @inline(__always)
    func contains(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        let (head, tail) = Self.words(pointer, length)
        let hash = Self.hash(head, tail, length)
        let bit = Self.bit(hash)
        guard bitmap[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        var slot = Self.slot(hash, slotMask)
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return false }
            if heads[entry] == head && tails[entry] == tail && lengths[entry] == length
                && memcmp(bytes + entries[entry], pointer, length) == 0
            {
                return true
            }
            slot = (slot + 1) & slotMask
        }
    }
}
