// Symbol vocabulary: the two halves of st_info (binding, type) and how they pack.

/// ELF_ST_BIND(st_info).
public struct SymbolBinding: ELFConstant {
    public let rawValue: UInt8
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let local: SymbolBinding = 0
    public static let global: SymbolBinding = 1
    public static let weak: SymbolBinding = 2
    public static let gnuUnique: SymbolBinding = 10

    public static let names: [SymbolBinding: String] = [
        local: "STB_LOCAL", global: "STB_GLOBAL", weak: "STB_WEAK", gnuUnique: "STB_GNU_UNIQUE",
    ]
    public static let rangeStarts: [(start: UInt8, name: String)] = [(10, "STB_LOOS"), (13, "STB_LOPROC")]
}

/// ELF_ST_TYPE(st_info).
public struct SymbolType: ELFConstant {
    public let rawValue: UInt8
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let notype: SymbolType = 0
    public static let object: SymbolType = 1
    public static let function: SymbolType = 2
    public static let section: SymbolType = 3
    public static let file: SymbolType = 4
    public static let common: SymbolType = 5
    public static let tls: SymbolType = 6
    public static let gnuIFunc: SymbolType = 10

    public static let names: [SymbolType: String] = [
        notype: "STT_NOTYPE", object: "STT_OBJECT", function: "STT_FUNC", section: "STT_SECTION", file: "STT_FILE",
        common: "STT_COMMON", tls: "STT_TLS", gnuIFunc: "STT_GNU_IFUNC",
    ]
    public static let rangeStarts: [(start: UInt8, name: String)] = [(10, "STT_LOOS"), (13, "STT_LOPROC")]
}

/// st_info: binding in the high four bits, type in the low four (ELF_ST_INFO).
enum SymbolInfo {
    static func pack(binding: SymbolBinding, type: SymbolType) -> UInt8 {
        (binding.rawValue << 4) | (type.rawValue & 0xf)
    }

    static func unpack(_ info: UInt8) -> (binding: SymbolBinding, type: SymbolType) {
        (SymbolBinding(info >> 4), SymbolType(info & 0xf))
    }
}
