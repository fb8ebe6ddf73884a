import CLineScan

/// The newlines of a piece of symbols.klp, and the first NUL byte among them, found in one pass (klp_line_ends,
/// CLineScan): the parser's line loop then reads line ends from an array instead of calling memchr per line (a call
/// per ~26-byte line was the largest cost of the scan). The pass is C because it needs SSE2's pmovmskb, which
/// Swift's SIMD types do not produce on baseline x86-64 (a Swift version gathering the mask by a multiply took
/// twice as long), and AVX2 where the CPU has it (64 bytes per step: 0.3 ms less of a 16 MB targeted load).
/// A class over raw memory, reused for every piece, so the scan allocates nothing per piece.
final class LineEnds {
    /// Offsets (from the piece's start) of each newline, in order; `count` of them are valid after `find`.
    private(set) var offsets: UnsafeMutablePointer<Int32>
    private var capacity: Int

    init() {
        capacity = 0
        offsets = .allocate(capacity: 0)
    }

    deinit { offsets.deallocate() }

    /// Finds every newline of `base[0..<count]`; returns how many line ends, and the offset of the first NUL byte
    /// (`count` when there is none). With `closingLast`, a last line without a newline ends at `count` (the end
    /// of the input). `offsets` stays valid until the next call.
    func find(_ base: UnsafeRawPointer, _ count: Int, closingLast: Bool) -> (lines: Int, firstNul: Int) {
        // klp_line_ends writes up to four entries per block whether or not they are newlines: room for those
        // too, and one more for the closing line end.
        if capacity < count + 35 {
            offsets.deallocate()
            capacity = count + 35
            offsets = .allocate(capacity: capacity)
        }
        var firstNul = 0
        var lines = klp_line_ends(base.assumingMemoryBound(to: UInt8.self), count, offsets, &firstNul)
        if closingLast && count > 0 && base.load(fromByteOffset: count - 1, as: UInt8.self) != 10 {
            offsets[lines] = Int32(truncatingIfNeeded: count)
            lines += 1
        }
        return (lines, firstNul)
    }
}
