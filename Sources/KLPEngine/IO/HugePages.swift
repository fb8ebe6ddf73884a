#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Fresh memory costs a page fault per 4 KB page on first touch (measured on the project's VM: ~1.4 us each, so
// reading a 5 MB livepatch into a new array cost ~1.9 ms, more than the read itself). Large buffers that the tool
// fills whole (the input object, its relocation table) ask the kernel for transparent huge pages instead: one
// fault per 2 MB. With THP set to `madvise` (the usual default) that takes an madvise(MADV_HUGEPAGE) on the
// buffer before it is first written; with THP off the advice is ignored and nothing changes.

enum HugePages {
    /// The x86-64 and arm64 (4 KB granule) PMD size.
    static let size = 2 << 20

    /// The element capacity to allocate for `count` elements of `stride` bytes. A buffer of 2 MB or more gets
    /// 2 MB of slack, so that every byte past its first 2 MB boundary lies in a whole 2 MB range that can be
    /// advised: without it the range holding the buffer's end is usually cut off and faulted page by page. The
    /// slack is address space only; the kernel zeroes the part of the last huge page that the buffer does not use.
    static func capacity(count: Int, stride: Int) -> Int {
        guard count > 0, stride > 0, count <= Int.max / stride - size, count * stride >= size else { return count }
        return count + size / stride
    }

    /// Advises huge pages for the whole 2 MB ranges inside `buffer`, which must be freshly allocated and not yet
    /// written there (a range with a page already faulted in stays in small pages). Ranges it only partly covers
    /// are left alone: they may hold other allocations.
    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= size else { return }
        let start = (UInt(bitPattern: base) + UInt(size - 1)) & ~UInt(size - 1)
        let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~UInt(size - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        // Advice only: a kernel without THP refuses it (EINVAL), and the buffer is then filled as before.
        _ = madvise(aligned, Int(end - start), MADV_HUGEPAGE)
        #endif
    }
}
