/// The evidence block of symbols.klp: addresses and declaration lines, which the 0.1 line format has no place
/// for. It comes last, as an object block named `.klp_evidence` whose "symbols" are records, one per line
/// before it (header excluded, so record k belongs to line k + 2), in the same order:
///
///     @                  nothing known (object, marker and export lines; symbols without evidence)
///     @ffffffff81234560  address only (System.map, a kallsyms dump read as root)
///     @:1032             declaration line only (a module's DWARF: module addresses are section offsets)
///     @ffffffff81234560:1032
///
/// Why a trailing block and not attributes after the name: upstream's 0.1 reader takes the whole line as the
/// name, so `init_once 0x...` would stop matching. To it (and to older versions of this tool) the block is
/// one more object whose names start with `@`, which no C symbol does: harmless. This tool's reader stops at the
/// block's object line, so loading for a conversion reads no more lines than before; the block is read only
/// to show evidence (explain, list, the ambiguity error, the TUI). Source files are not here: they are the
/// `-<path>` markers above, now tree-relative paths when build-db read DWARF.
public enum EvidenceFormat {
    public static let objectName = ".klp_evidence"
    /// Header attribute of a file with an evidence block; the number is the record format's version.
    public static let headerAttribute = "evidence=1"

    /// The bytes of one record, without its newline.
    public static func record(address: UInt64?, line: Int?) -> [UInt8] {
        var text = "@"
        if let address { text += String(address, radix: 16) }
        if let line { text += ":" + String(line) }
        return Array(text.utf8)
    }

    /// Decodes a record; nil when it is malformed.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> (address: UInt64?, line: Int?)? {
        guard bytes.first == UInt8(ascii: "@") else { return nil }
        let body = bytes.dropFirst()
        let parts = body.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
        var address: UInt64? = nil
        if let head = parts.first, !head.isEmpty {
            guard head.count <= 16, let value = UInt64(String(decoding: head, as: UTF8.self), radix: 16) else {
                return nil
            }
            address = value
        }
        var line: Int? = nil
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 9,
                let value = Int(String(decoding: parts[1], as: UTF8.self)), value > 0
            else { return nil }
            line = value
        }
        return (address, line)
    }
}
