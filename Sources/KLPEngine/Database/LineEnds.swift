/// The newlines of a piece of symbols.klp, found 16 bytes at a time, and the first NUL byte among them: the
/// parser's line loop then reads line ends from an array instead of calling memchr per line (a call per ~26-byte
/// line was the largest cost of the scan), and needs no branch per byte.
///
/// Swift's SIMD types have no "mask to bits" operation and baseline x86-64 code gets no pmovmskb from them, so the
/// 16 compare results become a 16-bit mask by a multiply: each matching byte is 0x80, and multiplying a 64-bit
/// half by 0x0002040810204081 gathers its eight top bits into the top byte (no carries: the partial products land
/// on distinct bits). A class over raw memory, reused for every piece, so the scan allocates nothing per piece.
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
        // Two entries are written per 16 bytes whether or not they are newlines: room for every byte plus those.
        if capacity < count + 18 {
            offsets.deallocate()
            capacity = count + 18
            offsets = .allocate(capacity: capacity)
        }
        let out = offsets
        var lines = 0
        var offset = 0
        var nulSeen = SIMD16<UInt8>(repeating: 0)
        let newline = SIMD16<UInt8>(repeating: 10)
        let zero = SIMD16<UInt8>(repeating: 0)
        let top = SIMD16<UInt8>(repeating: 0x80)
        while offset + 16 <= count {
            let bytes = (base + offset).loadUnaligned(as: SIMD16<UInt8>.self)
            nulSeen |= zero.replacing(with: top, where: bytes .== zero)
            let found = Self.bits(zero.replacing(with: top, where: bytes .== newline))
            // Lines are longer than 8 bytes: one or two newlines per 16 bytes is the rule, and writing two
            // entries unconditionally keeps the loop free of a branch that would mispredict at every line.
            let second = found & (found &- 1)
            let here = Int32(truncatingIfNeeded: offset)
            out[lines] = here &+ Int32(truncatingIfNeeded: found.trailingZeroBitCount)
            out[lines &+ 1] = here &+ Int32(truncatingIfNeeded: second.trailingZeroBitCount)
            lines &+= (found != 0 ? 1 : 0) &+ (second != 0 ? 1 : 0)
            var rest = second & (second &- 1)
            while rest != 0 {
                out[lines] = here &+ Int32(truncatingIfNeeded: rest.trailingZeroBitCount)
                lines &+= 1
                rest &= rest &- 1
            }
            offset &+= 16
        }
        let anyNul = Self.bits(nulSeen) != 0
        var firstNul = count
        if anyNul {
            firstNul = 0
            while base.load(fromByteOffset: firstNul, as: UInt8.self) != 0 { firstNul += 1 }
        }
        // The last bytes one by one (a piece's buffer may end anywhere).
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte == 10 {
                out[lines] = Int32(truncatingIfNeeded: offset)
                lines += 1
            } else if byte == 0 && firstNul == count {
                firstNul = offset
            }
            offset += 1
        }
        if closingLast && count > 0 && base.load(fromByteOffset: count - 1, as: UInt8.self) != 10 {
            out[lines] = Int32(truncatingIfNeeded: count)
            lines += 1
        }
        return (lines, firstNul)
    }

    /// The top bit of each of the 16 bytes (each 0x80 or 0), as a 16-bit mask in byte order.
    @inline(__always)
    private static func bits(_ marked: SIMD16<UInt8>) -> UInt32 {
        let halves = unsafeBitCast(marked, to: SIMD2<UInt64>.self)
        let gather: UInt64 = 0x0002_0408_1020_4081
        let low = (UInt64(littleEndian: halves[0]) &* gather) >> 56
        let high = (UInt64(littleEndian: halves[1]) &* gather) >> 56
        return UInt32(truncatingIfNeeded: low | high << 8)
    }
}
