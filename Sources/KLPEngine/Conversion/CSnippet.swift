// C source for KLP_MODULE_RELOC / KLP_SYMPOS annotations. Symbol names come from files made by others, so
// anything that could escape the C text (quotes, backslashes, newlines, control bytes, "*/") is refused or
// escaped, never copied raw.

public enum CSnippet {
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else {
            return false
        }
        return isWord(name) && !keywords.contains(name)
    }

    /// Letters, digits and '_' only: one C token that `#obj` stringifies to exactly this text.
    static func isWord(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
            }
    }

    /// C keywords (and GNU spellings) cannot be named in `&sym`; such a symbol goes through an asm label.
    static let keywords: Set<String> = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "asm",
        "typeof", "bool", "true", "false", "_Bool", "_Alignas", "_Alignof", "_Atomic", "_Generic", "_Noreturn",
        "_Static_assert", "_Thread_local", "__asm__", "__attribute__", "__typeof__", "__extension__",
    ]

    /// Whether a name can be an asm label as it is: the compiler copies the label unquoted into the assembly
    /// (`.quad a-b` would be an expression), so only what gas reads as one symbol: a letter, '_' or '.', then
    /// letters, digits, '_', '.' or '$' (GCC's clones `foo.isra.0`, `foo.cold`, `__func__.12`).
    public static func isSafeAsmName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
            first == "_" || first == "." || (first.isASCII && first.properties.isAlphabetic)
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "." || $0 == "$"
                || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// Text safe inside a C comment and on a terminal: control bytes, bidirectional overrides and "*/" replaced.
    public static func commentSafe(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            if TerminalSafe.needsEscape(s, keepingNewlines: false) || s == "\t" {
                out += "?"
            } else {
                out.unicodeScalars.append(s)
            }
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

    /// One line of a KLP_MODULE_RELOC array: the symbol, its position as written (a number, or the ambiguity
    /// error's placeholder), and comment lines written above it when the symbol can be written.
    public struct Entry: Sendable {
        public var symbol: String
        public var position: String
        public var comments: [String]

        public init(symbol: String, position: String, comments: [String] = []) {
            self.symbol = symbol
            self.position = position
            self.comments = comments
        }
    }

    /// `KLP_MODULE_RELOC(obj) obj_relocs[] = { KLP_SYMPOS(sym, pos), ... };`, with asm-label declarations for
    /// names that are not C identifiers and a comment for names that cannot be written safely at all.
    public static func block(object: String, entries: [(symbol: String, position: Int)], arrayName: String? = nil)
        -> [String]
    {
        var names = AsmIdentifiers(names: entries.map(\.symbol))
        return block(
            object: object, entries: entries.map { Entry(symbol: $0.symbol, position: String($0.position)) },
            arrayName: arrayName, names: &names)
    }

    /// One block of a paste; `names` is shared by all the blocks of the paste.
    public static func block(object: String, entries: [Entry], arrayName: String? = nil, names: inout AsmIdentifiers)
        -> [String]
    {
        // The macro stringifies its argument into the section name, so the object must be written as it is:
        // renaming it would annotate another object. A module name like "9pnet" is one token and works.
        guard isWord(object) else {
            return ["/* refused: object name \(commentSafe(object).debugDescription) cannot be written in C */"]
        }
        var declarations: [String] = []
        var lines: [String] = []
        for entry in entries {
            let reference: String
            if isIdentifier(entry.symbol) {
                reference = entry.symbol
            } else if isSafeAsmName(entry.symbol) {
                reference = names.identifier(for: entry.symbol)
                let declaration = "extern char \(reference)[] __asm__(\"\(entry.symbol)\");"
                if !declarations.contains(declaration) { declarations.append(declaration) }
            } else {
                lines.append(
                    "\t/* refused: symbol name \(commentSafe(entry.symbol).debugDescription) cannot be written in C */")
                continue
            }
            lines += entry.comments
            lines.append("\tKLP_SYMPOS(\(reference), \(entry.position)),")
        }
        let array = arrayName ?? (isIdentifier(object) ? "\(object)_relocs" : "klp_\(object)_relocs")
        return declarations + ["KLP_MODULE_RELOC(\(object)) \(array)[] = {"] + lines + ["};"]
    }

    /// Blocks for every chosen or annotated symbol of a plan, one per object, in a stable order.
    public static func snippet(for plan: ConversionPlan, includeAutomatic: Bool = false) -> String {
        var objects: [String] = []
        var entries: [String: [(String, Int)]] = [:]
        for s in plan.symbols {
            guard let t = s.target,
                s.status == .annotated || s.status == .chosen || (includeAutomatic && s.status == .automatic)
            else { continue }
            if s.name.hasPrefix(KLPNames.minimalPrefix) { continue }
            if entries[t.object] == nil { objects.append(t.object) }
            entries[t.object, default: []].append((s.name, t.position))
        }
        var names = AsmIdentifiers(names: entries.values.flatMap { $0.map(\.0) })
        var out: [String] = []
        for o in objects {
            if !out.isEmpty { out.append("") }
            let rows = (entries[o] ?? []).map { Entry(symbol: $0.0, position: String($0.1)) }
            out += block(object: o, entries: rows, names: &names)
        }
        return out.joined(separator: "\n") + (out.isEmpty ? "" : "\n")
    }
}
