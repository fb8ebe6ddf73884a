// Endian-aware loads and stores over raw memory. Loads use loadUnaligned (fast in debug builds too, where the
// tests run); callers check bounds once per table rather than per field.

package struct RawReader {
    package let base: UnsafeRawBufferPointer
    package let swap: Bool

    package init(_ base: UnsafeRawBufferPointer, order: ByteOrder) {
        self.base = base
        swap = order.differsFromHost
    }

    package var count: Int { base.count }

    /// True when `length` bytes at `offset` lie inside the buffer (no overflow on hostile values).
    package func contains(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(base.count)
    }

    @inline(__always) package func u8(_ o: Int) -> UInt8 { base.load(fromByteOffset: o, as: UInt8.self) }
    @inline(__always) package func u16(_ o: Int) -> UInt16 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt16.self)
        return swap ? v.byteSwapped : v
    }
    @inline(__always) package func u32(_ o: Int) -> UInt32 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt32.self)
        return swap ? v.byteSwapped : v
    }
    @inline(__always) package func u64(_ o: Int) -> UInt64 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt64.self)
        return swap ? v.byteSwapped : v
    }
    /// A class-sized word (4 bytes for ELF32, 8 for ELF64), widened.
    @inline(__always) package func word(_ o: Int, _ c: ELFClass) -> UInt64 {
        c == .elf64 ? u64(o) : UInt64(u32(o))
    }
}

struct RawWriter {
    let base: UnsafeMutableRawBufferPointer
    let swap: Bool

    init(_ base: UnsafeMutableRawBufferPointer, order: ByteOrder) {
        self.base = base
        swap = order.differsFromHost
    }

    @inline(__always) func u8(_ o: Int, _ v: UInt8) { base.storeBytes(of: v, toByteOffset: o, as: UInt8.self) }
    @inline(__always) func u16(_ o: Int, _ v: UInt16) {
        base.storeBytes(of: swap ? v.byteSwapped : v, toByteOffset: o, as: UInt16.self)
    }
    @inline(__always) func u32(_ o: Int, _ v: UInt32) {
        base.storeBytes(of: swap ? v.byteSwapped : v, toByteOffset: o, as: UInt32.self)
    }
    @inline(__always) func u64(_ o: Int, _ v: UInt64) {
        base.storeBytes(of: swap ? v.byteSwapped : v, toByteOffset: o, as: UInt64.self)
    }
    /// A class-sized word; the planner has already checked that 32-bit values fit.
    @inline(__always) func word(_ o: Int, _ v: UInt64, _ c: ELFClass) {
        if c == .elf64 { u64(o, v) } else { u32(o, UInt32(truncatingIfNeeded: v)) }
    }
}

extension ByteOrder {
    /// Whether values in this order must be byte-swapped on the machine running the tool.
    var differsFromHost: Bool {
        #if _endian(little)
        return self == .big
        #else
        return self == .little
        #endif
    }
}

extension ELFClass {
    /// Largest value a class-sized field can hold.
    var maxWord: UInt64 { self == .elf64 ? UInt64.max : UInt64(UInt32.max) }
}
