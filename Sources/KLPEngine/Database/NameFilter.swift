#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `only:` set of a targeted load, arranged so that most lines are rejected by their length alone: the
/// wanted names are stored in one buffer grouped by byte length, and only lines of a wanted length are compared
/// byte-wise. It is a class over raw memory so that the per-line check does no reference counting; the memory
/// is written only in init and read-only afterwards, hence @unchecked Sendable.
final class NameFilter: @unchecked Sendable {
    let names: Set<String>
    /// For each length 0...longest: range of `entries` holding the wanted names of that length.
    private let firstEntry: UnsafeMutablePointer<Int32>
    private let endEntry: UnsafeMutablePointer<Int32>
    /// Offsets of the names in `bytes`, grouped by length.
    private let entries: UnsafeMutablePointer<Int>
    /// First and last 8 bytes of each name (overlapping for short names; names under 8 bytes use memcmp),
    /// so most same-length lines are rejected by two word compares without calling memcmp.
    private let heads: UnsafeMutablePointer<UInt64>
    private let tails: UnsafeMutablePointer<UInt64>
    /// 4096-bit set over a mix of (head, tail, length): one L1-resident test rejects ~99% of lines
    /// before any per-name loop.
    private let bitmap: UnsafeMutablePointer<UInt64>
    private let bytes: UnsafeMutablePointer<UInt8>
    private let longest: Int

    init(_ names: Set<String>) {
        self.names = names
        let sorted = names.filter { !$0.isEmpty }.map { Array($0.utf8) }.sorted { $0.count < $1.count }
        longest = sorted.last?.count ?? 0
        firstEntry = .allocate(capacity: longest + 1)
        firstEntry.initialize(repeating: 0, count: longest + 1)
        endEntry = .allocate(capacity: longest + 1)
        endEntry.initialize(repeating: 0, count: longest + 1)
        entries = .allocate(capacity: max(sorted.count, 1))
        heads = .allocate(capacity: max(sorted.count, 1))
        tails = .allocate(capacity: max(sorted.count, 1))
        bitmap = .allocate(capacity: 64)
        bitmap.initialize(repeating: 0, count: 64)
        let total = sorted.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        var offset = 0
        for (index, name) in sorted.enumerated() {
            if endEntry[name.count] == 0 { firstEntry[name.count] = Int32(index) }
            endEntry[name.count] = Int32(index + 1)
            entries[index] = offset
            for byte in name {
                bytes[offset] = byte
                offset += 1
            }
            let (head, tail) = Self.words(UnsafeRawPointer(bytes + entries[index]), name.count)
            heads[index] = head
            tails[index] = tail
            let bit = Self.bit(head, tail, name.count)
            bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
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
    private static func bit(_ head: UInt64, _ tail: UInt64, _ length: Int) -> Int {
        let mixed =
            (head &* 0x9e37_79b9_7f4a_7c15) ^ (tail &* 0xc2b2_ae3d_27d4_eb4f) ^ UInt64(truncatingIfNeeded: length)
        return Int(truncatingIfNeeded: (mixed &* 0xff51_afd7_ed55_8ccd) >> 52)
    }

    deinit {
        firstEntry.deallocate()
        endEntry.deallocate()
        entries.deallocate()
        heads.deallocate()
        tails.deallocate()
        bitmap.deallocate()
        bytes.deallocate()
    }

    @inline(__always)
    func contains(_ pointer: UnsafeRawPointer, _ length: Int) -> Bool {
        guard length <= longest else { return false }
        var entry = Int(firstEntry[length])
        let end = Int(endEntry[length])
        guard entry < end else { return false }
        let (head, tail) = Self.words(pointer, length)
        let bit = Self.bit(head, tail, length)
        guard bitmap[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        while entry < end {
            if heads[entry] == head && tails[entry] == tail && memcmp(bytes + entries[entry], pointer, length) == 0 {
                return true
            }
            entry += 1
        }
        return false
    }
}
