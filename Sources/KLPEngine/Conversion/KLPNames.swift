// The names the kernel's livepatch core parses, and its limits (kernel/livepatch/core.c: klp_resolve_symbols,
// klp_write_section_relocs). Keeping the rules in one place lets the converter, the checker and the TUI agree.

public enum KLPNames {
    public static let relaPrefix = ".klp.rela."
    public static let symbolPrefix = ".klp.sym."
    public static let annotationPrefix = ".klp.module_relocs."
    /// The "minimal version" style of annotation: `.klp.sym.rela.<lp_obj>.<sym_obj>.<sym>,<pos>`.
    public static let minimalPrefix = ".klp.sym.rela."
    /// sscanf widths in the kernel: object %55[^.], symbol %511[^,].
    public static let maximumObjectLength = 55
    public static let maximumSymbolLength = 511
    /// Size of `struct klp_module_reloc` on every architecture (8-byte pointer union + u32 sympos, packed).
    public static let annotationRecordSize = 12

    /// `.klp.rela.<object>.<base section>`: the base name normally starts with '.', giving the double dot that
    /// kpatch and objtool write too.
    public static func relocationSection(object: String, base: String) -> String {
        "\(relaPrefix)\(object).\(base)"
    }

    public static func symbol(object: String, name: String, position: Int) -> String {
        // Copied into a string of the exact size: a conversion names every converted symbol, and interpolation
        // (or appending) grows the string piece by piece.
        var pieces = [symbolPrefix, object, ".", name, ",", String(position)]
        let size = pieces.reduce(0) { $0 + $1.utf8.count }
        return String(unsafeUninitializedCapacity: size) { buffer in
            var at = 0
            for k in pieces.indices {
                pieces[k].withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[at...]).initialize(from: bytes)
                    at += bytes.count
                }
            }
            return at
        }
    }

    /// kbuild module names use '_' where file names use '-' (`foo-bar.o` is module `foo_bar`): the one place
    /// of that rule, for symbols.klp, Module.symvers, annotations, choices and build-db alike.
    public static func normalizeObject(_ name: String) -> String {
        // Checked on the UTF-8 bytes: iterating Characters is slow, and the database reader calls this once per
        // object block.
        guard name.utf8.contains(UInt8(ascii: "-")) else { return name }
        return String(decoding: name.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }

    /// Why an object name cannot appear in klp names, or nil when it can.
    public static func objectNameProblem(_ object: String) -> String? {
        if object.isEmpty { return "object name is empty" }
        if object.utf8.count > maximumObjectLength {
            return
                "object name '\(object)' is \(object.utf8.count) characters; the kernel reads at most \(maximumObjectLength)"
        }
        // The kernel's sscanf stops at the byte: searched in the UTF-8 bytes (Characters are slow, and a '.'
        // followed by a combining mark is another Character but still that byte).
        if contains(UInt8(ascii: "."), in: object) {
            return "object name '\(object)' contains '.', which the kernel cannot parse"
        }
        return nil
    }

    /// Why a symbol name cannot appear in a `.klp.sym.` name, or nil when it can.
    public static func symbolNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "symbol name is empty" }
        if name.utf8.count > maximumSymbolLength {
            return "symbol name is \(name.utf8.count) characters; the kernel reads at most \(maximumSymbolLength)"
        }
        if contains(UInt8(ascii: ","), in: name) {
            return "symbol name '\(name)' contains ',', which the kernel cannot parse"
        }
        return nil
    }

    /// Whether `text`'s UTF-8 has `byte`: searched in its contiguous bytes (a native string's), which is several
    /// times faster than iterating the UTF-8 view; a conversion checks every converted name.
    private static func contains(_ byte: UInt8, in text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }

    /// A parsed `.klp.sym.<object>.<name>,<position>`.
    public struct ParsedSymbol: Sendable, Equatable {
        public var object: String
        public var name: String
        public var position: Int
    }

    /// Parses a final klp symbol name the way the kernel does (`.klp.sym.%55[^.].%511[^,],%lu`).
    public static func parseSymbol(_ full: String) -> ParsedSymbol? {
        guard full.hasPrefix(symbolPrefix) else { return nil }
        let rest = full.dropFirst(symbolPrefix.count)
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        let object = String(rest[..<dot])
        let tail = rest[rest.index(after: dot)...]
        guard let comma = tail.firstIndex(of: ",") else { return nil }
        let name = String(tail[..<comma])
        let posText = tail[tail.index(after: comma)...]
        guard !object.isEmpty, object.utf8.count <= maximumObjectLength, !name.isEmpty,
            name.utf8.count <= maximumSymbolLength, !posText.isEmpty, posText.allSatisfy(\.isASCIIDigit),
            let position = Int(posText)
        else { return nil }
        return ParsedSymbol(object: object, name: name, position: position)
    }

    /// The object named by a `.klp.rela.<object>.<...>` section (kernel: `.klp.rela.%55[^.]`).
    public static func parseRelocationSectionObject(_ name: String) -> String? {
        guard name.hasPrefix(relaPrefix) else { return nil }
        let rest = name.dropFirst(relaPrefix.count)
        let object = rest.prefix { $0 != "." }
        guard !object.isEmpty, object.utf8.count <= maximumObjectLength, object.count < rest.count else { return nil }
        return String(object)
    }

    /// A parsed minimal-version name `.klp.sym.rela.<lp_obj>.<sym_obj>.<sym>,<pos>` (a trailing `.<pos>` is
    /// accepted too, as v3 of that series wrote it).
    public struct ParsedMinimal: Sendable, Equatable {
        public var patchedObject: String
        public var symbolObject: String
        public var name: String
        public var position: Int
    }

    public static func parseMinimal(_ full: String) -> ParsedMinimal? {
        guard full.hasPrefix(minimalPrefix) else { return nil }
        let parts = full.dropFirst(minimalPrefix.count)
        guard let d1 = parts.firstIndex(of: ".") else { return nil }
        let lp = String(parts[..<d1])
        let afterLp = parts[parts.index(after: d1)...]
        guard let d2 = afterLp.firstIndex(of: ".") else { return nil }
        let so = String(afterLp[..<d2])
        let tail = afterLp[afterLp.index(after: d2)...]
        // Position after the last ',' (canonical) or else after the last '.'.
        let sep = tail.lastIndex(of: ",") ?? tail.lastIndex(of: ".")
        guard let sep else { return nil }
        let name = String(tail[..<sep])
        let posText = tail[tail.index(after: sep)...]
        guard !lp.isEmpty, !so.isEmpty, !name.isEmpty, !posText.isEmpty, posText.allSatisfy(\.isASCIIDigit),
            let position = Int(posText)
        else { return nil }
        return ParsedMinimal(
            patchedObject: normalizeObject(lp), symbolObject: normalizeObject(so), name: name,
            position: position)
    }
}

extension Section {
    /// A klp relocation section: SHF_RELA_LIVEPATCH, or a .klp.rela. name (a hand-made section may lack the flag;
    /// both the converter and the checker treat it as one, the checker to report the missing flag).
    var isKlpRelocationSection: Bool {
        isRelocation && (flags.contains(.relaLivepatch) || name.hasPrefix(KLPNames.relaPrefix))
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
