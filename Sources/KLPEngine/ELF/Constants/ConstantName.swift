// How the named ELF constants print, in one place (the model is Go's debug/elf stringName/flagName): a known
// value prints as its <elf.h> name, a value inside an OS- or processor-specific range as the range's name plus a
// hex offset (`SHT_LOOS+0x5`), anything else as hex.

/// A family of ELF constants of one on-disk width (`sh_type`, `e_machine`, ...), with a table of names.
public protocol ELFConstant: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
where RawValue: FixedWidthInteger & UnsignedInteger & Sendable {
    init(_ rawValue: RawValue)
    /// The <elf.h> name of each known value.
    static var names: [Self: String] { get }
    /// Starts of open ranges (`SHT_LOOS`, `SHT_LOPROC`, ...), printed as `name+0x<offset>` for unknown values.
    static var rangeStarts: [(start: RawValue, name: String)] { get }
}

extension ELFConstant {
    public init(integerLiteral value: RawValue) { self.init(value) }
    public static var rangeStarts: [(start: RawValue, name: String)] { [] }

    /// The name, or nil for a value without one.
    public var name: String? { Self.names[self] }

    public var description: String {
        if let name { return name }
        return ConstantName.unknown(UInt64(rawValue), rangeStarts: Self.rangeStarts.map { (UInt64($0.start), $0.name) })
    }
}

enum ConstantName {
    /// `RANGE+0x<offset>` for the highest range start at or below `value`, else `0x<value>`.
    static func unknown(_ value: UInt64, rangeStarts: [(start: UInt64, name: String)]) -> String {
        let range = rangeStarts.filter { $0.start <= value }.max { $0.start < $1.start }
        if let range { return range.name + (value == range.start ? "" : "+" + hex(value - range.start)) }
        return hex(value)
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Names of the set bits that have one, in bit order, then the remaining bits as hex: `SHF_ALLOC+0x100`.
    static func flags(_ value: UInt64, names: [(bit: UInt64, name: String)]) -> String {
        if value == 0 { return "0" }
        var parts: [String] = []
        var rest = value
        for (bit, name) in names.sorted(by: { $0.bit < $1.bit }) where value & bit == bit {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append(hex(rest)) }
        return parts.joined(separator: "+")
    }
}
