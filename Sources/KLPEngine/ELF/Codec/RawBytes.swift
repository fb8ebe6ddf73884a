// Endian-aware loads and stores over raw memory. Loads use loadUnaligned (fast in debug builds too, where the
// tests run); callers check bounds once per table rather than per field.

struct RawReader {
    let base: UnsafeRawBufferPointer
    let swap: Bool

    init(_ base: UnsafeRawBufferPointer, order: ByteOrder) {
        self.base = base
        swap = order.differsFromHost
    }

    var count: Int { base.count }

    /// True when `length` bytes at `offset` lie inside the buffer (no overflow on hostile values).
    func contains(offset: UInt64, length: UInt64) -> Bool {
        Self.contains(offset: offset, length: length, in: base.count)
    }

    static func contains(offset: UInt64, length: UInt64, in count: Int) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && end <= UInt64(count)
    }

    @inline(__always) func u8(_ o: Int) -> UInt8 { base.load(fromByteOffset: o, as: UInt8.self) }
    @inline(__always) func u16(_ o: Int) -> UInt16 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt16.self)
        return swap ? v.byteSwapped : v
    }
    @inline(__always) func u32(_ o: Int) -> UInt32 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt32.self)
        return swap ? v.byteSwapped : v
    }
    @inline(__always) func u64(_ o: Int) -> UInt64 {
        let v = base.loadUnaligned(fromByteOffset: o, as: UInt64.self)
        return swap ? v.byteSwapped : v
    }
    /// The field at `field` of the record at `base`, widened.
    @inline(__always) func load(_ base: Int, _ field: FieldLocation) -> UInt64 {
        let o = base + field.offset
        switch field.width {
        case 8: return u64(o)
        case 4: return UInt64(u32(o))
        case 2: return UInt64(u16(o))
        default: return UInt64(u8(o))
        }
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
    /// Stores `v` into `field` of the record at `base`; the caller has checked that the value fits the width.
    @inline(__always) func store(_ base: Int, _ field: FieldLocation, _ v: UInt64) {
        let o = base + field.offset
        switch field.width {
        case 8: u64(o, v)
        case 4: u32(o, UInt32(truncatingIfNeeded: v))
        case 2: u16(o, UInt16(truncatingIfNeeded: v))
        default: u8(o, UInt8(truncatingIfNeeded: v))
        }
    }
}
