/// A problem found while reading or writing an ELF object. Each case is a kind of place in the file and carries
/// it (section index and name, symbol index and name, relocation index and r_offset, header field or e_ident
/// byte), so callers can point at it; the description names the file, the place and the problem in the form
/// readelf users know: `lp.ko: section [5] '.rela.text': relocation 3 (offset 0x1c) uses symbol index 99, ...`.
public enum ELFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as a whole (too short, bad magic, no section header table, too many sections to write).
    case file(path: String, message: String)
    /// A byte of e_ident (class, data encoding, version).
    case identification(path: String, byte: Int, message: String)
    /// A file header field, named as in <elf.h> (`e_shoff`).
    case headerField(path: String, field: String, message: String)
    /// A section: its index as read (nil for sections of the editable model) and its name (nil when the
    /// problem is found before names are decoded).
    case section(path: String, index: Int?, name: String?, message: String)
    /// The sh_name of section `index`, which could not be decoded.
    case sectionName(path: String, index: Int, message: String)
    /// A symbol of the symbol table: its index as read (nil for symbols of the editable model) and its name.
    case symbol(path: String, index: Int?, name: String?, message: String)
    /// Relocation `index` (counted from 0) of a relocation section, with its r_offset.
    case relocation(path: String, section: Int?, sectionName: String, index: Int, offset: UInt64, message: String)

    public var path: String {
        switch self {
        case .file(let path, _), .identification(let path, _, _), .headerField(let path, _, _),
            .section(let path, _, _, _), .sectionName(let path, _, _), .symbol(let path, _, _, _),
            .relocation(let path, _, _, _, _, _):
            return path
        }
    }

    /// Where in the file, as printed between the path and the message; nil for the whole file.
    public var place: String? {
        switch self {
        case .file: return nil
        case .identification(_, let byte, _): return "byte \(byte)"
        case .headerField(_, let field, _): return field
        case .section(_, let index, let name, _): return Self.describe("section", index: index, name: name)
        case .sectionName(_, let index, _): return "name of section \(index)"
        case .symbol(_, let index, let name, _): return Self.describe("symbol", index: index, name: name)
        case .relocation(_, let section, let name, _, _, _): return Self.describe("section", index: section, name: name)
        }
    }

    /// The problem, without the place.
    public var message: String {
        switch self {
        case .file(_, let m), .identification(_, _, let m), .headerField(_, _, let m), .section(_, _, _, let m),
            .sectionName(_, _, let m), .symbol(_, _, _, let m):
            return m
        case .relocation(_, _, _, let index, let offset, let m):
            return "relocation \(index) (offset 0x\(String(offset, radix: 16))) \(m)"
        }
    }

    public var description: String {
        if let place { return "\(path): \(place): \(message)" }
        return "\(path): \(message)"
    }

    /// `section [3] '.text'`, `section [3]` or `section '.text'` (readelf's way of naming a section).
    private static func describe(_ kind: String, index: Int?, name: String?) -> String {
        switch (index, name) {
        case (let i?, let n?): return kind == "section" ? "\(kind) [\(i)] '\(n)'" : "\(kind) \(i) '\(n)'"
        case (let i?, nil): return kind == "section" ? "\(kind) [\(i)]" : "\(kind) \(i)"
        case (nil, let n?): return "\(kind) '\(n)'"
        case (nil, nil): return kind
        }
    }
}
