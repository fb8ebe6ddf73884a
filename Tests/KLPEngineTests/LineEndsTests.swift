import CLineScan
import Testing

@testable import KLPEngine

/// klp_line_ends (AVX2 where the CPU has it) and its SSE2 form find exactly the newlines and the first NUL a byte
/// by byte search finds, in buffers of every length around the block sizes (32 and 64 bytes), with runs of
/// newlines (more than fit the entries a block writes unconditionally), none at all, and NUL bytes anywhere.
@Suite struct LineEndsTests {

    static func expected(_ bytes: [UInt8]) -> ([Int32], Int) {
        let ends = bytes.indices.filter { bytes[$0] == 10 }.map { Int32($0) }
        return (ends, bytes.firstIndex(of: 0) ?? bytes.count)
    }

    typealias Search = (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int>) -> Int

    static func found(_ bytes: [UInt8], _ search: Search) -> ([Int32], Int) {
        let out = UnsafeMutablePointer<Int32>.allocate(capacity: bytes.count + 35)
        defer { out.deallocate() }
        var firstNul = -1
        // One byte more than the bytes, so an empty buffer still has a base address; it is not searched.
        let lines = (bytes + [0]).withUnsafeBufferPointer { buffer in
            search(buffer.baseAddress!, bytes.count, out, &firstNul)
        }
        return (Array(UnsafeBufferPointer(start: out, count: lines)), firstNul)
    }

    /// A buffer of `count` bytes: names, newlines at the given density (in 1/8), a NUL now and then.
    static func bytes(_ count: Int, newlines density: Int, _ random: inout XorShift) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
        for index in 0..<count {
            if random.next(8) < density {
                bytes[index] = 10
            } else {
                bytes[index] = UInt8(ascii: "a") + UInt8(random.next(26))
            }
        }
        if count > 0 && random.next(3) == 0 { bytes[random.next(count)] = 0 }
        return bytes
    }

    @Test func bothFormsFindWhatAByteSearchFinds() {
        var random = XorShift(state: 0x2545_f491_4f6c_dd1d)
        var searched = 0
        var withNul = 0
        for count in Array(0...200) + [255, 256, 257, 1_000, 4_096, 65_537] {
            for density in [0, 1, 3, 8] {
                let bytes = Self.bytes(count, newlines: density, &random)
                let expected = Self.expected(bytes)
                if expected.1 < bytes.count { withNul += 1 }
                let fast = Self.found(bytes) { klp_line_ends($0, $1, $2, $3) }
                let sse2 = Self.found(bytes) { klp_line_ends_sse2($0, $1, $2, $3) }
                #expect(fast.0 == expected.0, "\(count) bytes, density \(density): newlines")
                #expect(fast.1 == expected.1, "\(count) bytes, density \(density): first NUL")
                #expect(sse2.0 == expected.0, "\(count) bytes, density \(density): newlines (SSE2)")
                #expect(sse2.1 == expected.1, "\(count) bytes, density \(density): first NUL (SSE2)")
                searched += 1
            }
        }
        // Both outcomes of the NUL search were met.
        #expect(withNul > 100)
        #expect(withNul < searched - 100)
    }
}
