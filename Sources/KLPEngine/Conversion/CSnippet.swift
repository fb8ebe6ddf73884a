// C source for KLP_MODULE_RELOC / KLP_SYMPOS annotations. Symbol names come from files made by others, so
// anything that could escape the C text (quotes, backslashes, newlines, control bytes, "*/") is refused or
// escaped, never copied raw.

public enum CSnippet {
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Whether a name can go into a C string literal (an asm label) after escaping: printable ASCII only.
    public static func isSafeAsmName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value < 0x7f && $0 != "\"" && $0 != "\\" }
    }

    /// Text safe inside a C comment and on a terminal: control bytes and "*/" replaced.
    public static func commentSafe(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            if s.value < 0x20 || s.value == 0x7f || (s.value >= 0x80 && s.value < 0xa0) { out += "?" } else { out.unicodeScalars.append(s) }
        }
        return out.replacing("*/", with: "*_/")
    }

    /// A C identifier for a symbol whose real name is not one (asm-renamed `klp_string.67890`).
    public static func identifier(for name: String) -> String {
        var out = "klp_sym_"
        for s in name.unicodeScalars {
            out += (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s))) ? String(s) : "_"
        }
        return out
    }

    /// `KLP_MODULE_RELOC(obj) obj_relocs[] = { KLP_SYMPOS(sym, pos), ... };`, with asm-label declarations for
    /// names that are not C identifiers and a comment for names that cannot be written safely at all.
    public static func block(object: String, entries: [(symbol: String, position: Int)], arrayName: String? = nil) -> [String] {
        var declarations: [String] = []
        var lines: [String] = []
        for (symbol, position) in entries {
            if isIdentifier(symbol) {
                lines.append("\tKLP_SYMPOS(\(symbol), \(position)),")
            } else if isSafeAsmName(symbol) {
                let id = identifier(for: symbol)
                declarations.append("extern char \(id)[] __asm__(\"\(symbol)\");")
                lines.append("\tKLP_SYMPOS(\(id), \(position)),")
            } else {
                lines.append("\t/* refused: symbol name \(commentSafe(symbol).debugDescription) cannot be written in C */")
            }
        }
        let safeObject = isIdentifier(object) ? object : identifier(for: object)
        let array = arrayName ?? "\(safeObject)_relocs"
        return declarations + ["KLP_MODULE_RELOC(\(safeObject)) \(array)[] = {"] + lines + ["};"]
    }

    /// Blocks for every chosen or annotated symbol of a plan, one per object, in a stable order.
    public static func snippet(for plan: ConversionPlan, includeAutomatic: Bool = false) -> String {
        var objects: [String] = []
        var entries: [String: [(String, Int)]] = [:]
        for s in plan.symbols {
            guard let t = s.target, s.status == .annotated || s.status == .chosen || (includeAutomatic && s.status == .automatic) else { continue }
            if s.name.hasPrefix(KLPNames.minimalPrefix) { continue }
            if entries[t.object] == nil { objects.append(t.object) }
            entries[t.object, default: []].append((s.name, t.position))
        }
        var out: [String] = []
        for o in objects {
            if !out.isEmpty { out.append("") }
            out += block(object: o, entries: (entries[o] ?? []).map { (symbol: $0.0, position: $0.1) })
        }
        return out.joined(separator: "\n") + (out.isEmpty ? "" : "\n")
    }
}
