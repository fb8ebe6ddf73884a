// The ELF file header's vocabulary: class (EI_CLASS), byte order (EI_DATA), file type (e_type), machine
// (e_machine). Record sizes per class live in the codec's RecordLayout, not here.

/// EI_CLASS: the two layouts every record has.
public enum ELFClass: UInt8, Sendable {
    case elf32 = 1
    case elf64 = 2

    /// Size of one header field that differs between the classes (addresses, offsets, sizes).
    var wordSize: Int { self == .elf32 ? 4 : 8 }
    /// Largest value a class-sized field can hold.
    var maxWord: UInt64 { self == .elf64 ? UInt64.max : UInt64(UInt32.max) }
    var fileHeaderSize: Int { RecordLayout.of(self).fileHeader.size }
    var sectionHeaderSize: Int { RecordLayout.of(self).sectionHeader.size }
    var symbolSize: Int { RecordLayout.of(self).symbol.size }
    func relocationSize(rela: Bool) -> Int { RecordLayout.of(self).relocation(rela: rela).size }
}

/// EI_DATA: ELFDATA2LSB (little) or ELFDATA2MSB (big).
public enum ByteOrder: UInt8, Sendable {
    case little = 1
    case big = 2

    /// Whether values in this order must be byte-swapped on the machine running the tool.
    var differsFromHost: Bool {
        #if _endian(little)
        return self == .big
        #else
        return self == .little
        #endif
    }
}

/// e_type.
public struct ELFFileType: ELFConstant {
    public let rawValue: UInt16
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none: ELFFileType = 0
    /// ET_REL: what klp-convert converts (a module before its final link).
    public static let rel: ELFFileType = 1
    public static let exec: ELFFileType = 2
    public static let dyn: ELFFileType = 3
    public static let core: ELFFileType = 4

    public static let names: [ELFFileType: String] = [
        none: "ET_NONE", rel: "ET_REL", exec: "ET_EXEC", dyn: "ET_DYN", core: "ET_CORE",
    ]
    public static let rangeStarts: [(start: UInt16, name: String)] = [(0xfe00, "ET_LOOS"), (0xff00, "ET_LOPROC")]
}

/// e_machine.
public struct Machine: ELFConstant {
    public let rawValue: UInt16
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none: Machine = 0
    public static let i386: Machine = 3
    public static let ppc: Machine = 20
    public static let ppc64: Machine = 21
    public static let s390: Machine = 22
    public static let arm: Machine = 40
    public static let x86_64: Machine = 62
    public static let aarch64: Machine = 183
    public static let riscv: Machine = 243
    public static let loongarch: Machine = 258

    public static let names: [Machine: String] = [
        none: "EM_NONE", i386: "EM_386", ppc: "EM_PPC", ppc64: "EM_PPC64", s390: "EM_S390", arm: "EM_ARM",
        x86_64: "EM_X86_64", aarch64: "EM_AARCH64", riscv: "EM_RISCV", loongarch: "EM_LOONGARCH",
    ]

    /// The architecture as people write it (`list --json` prints this): "x86_64", "ppc64"; "machine N" if unknown.
    public var shortName: String {
        switch self {
        case .i386: return "i386"
        case .ppc: return "ppc"
        case .ppc64: return "ppc64"
        case .s390: return "s390"
        case .arm: return "arm"
        case .x86_64: return "x86_64"
        case .aarch64: return "aarch64"
        case .riscv: return "riscv"
        case .loongarch: return "loongarch"
        default: return "machine \(rawValue)"
        }
    }
}
