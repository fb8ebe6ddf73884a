import KLPEngine

/// One symbol line of an object block: a kallsyms-visible symbol, in the kernel's walk order, with its source
/// file (tree-relative from DWARF, else the base name its STT_FILE run names; nil when the inputs cannot tell,
/// e.g. globals without debug info or /proc/kallsyms), its declaration line (DWARF) and its address (vmlinux,
/// System.map, a kallsyms dump read as root; nil for module files, whose values are section offsets).
public struct BuiltSymbol: Sendable, Equatable {
    public var name: String
    public var file: String?
    public var line: Int?
    public var address: UInt64?

    public init(name: String, file: String? = nil, line: Int? = nil, address: UInt64? = nil) {
        self.name = name
        self.file = file
        self.line = line
        self.address = address
    }
}

/// One `*object` block of the database being built.
public struct BuiltObject: Sendable, Equatable {
    /// Kernel object name: `vmlinux` or a module name with `-` normalised to `_`.
    public var name: String
    /// Symbols in the order the kernel walks them (DECISIONS 1): the position of a homonym is 1 + the number of
    /// earlier lines with the same name. Export markers the kernel lists (`__ksymtab_<name>`) are kept in place.
    public var symbols: [BuiltSymbol]
    /// Names this object exports; those without a marker line among `symbols` are written as `__ksymtab_<name>`
    /// lines, sorted, after the symbols.
    public var exports: Set<String>
    /// Where the block came from (a path, or "/proc/kallsyms dump <path>"), for messages.
    public var source: String
    /// What the builder could not take from this input without losing the block (DWARF it could not read),
    /// reported as notes.
    public var notes: [String] = []

    public init(name: String, symbols: [BuiltSymbol] = [], exports: Set<String> = [], source: String) {
        self.name = name
        self.symbols = symbols
        self.exports = exports
        self.source = source
    }

    /// Export markers in symbol names: `__ksymtab_<name>` (vmlinux, 6.1 modules) and `__export_symbol_<name>`
    /// (module objects since 6.5). Returns the exported name, or nil.
    static func exportedName(fromMarker symbol: String) -> String? {
        for prefix in ["__ksymtab_", "__export_symbol_"] where symbol.hasPrefix(prefix) {
            let rest = symbol.dropFirst(prefix.count)
            return rest.isEmpty ? nil : String(rest)
        }
        return nil
    }

    /// Records the names that export-marker symbols export. The marker lines stay where the kernel lists them:
    /// the reader takes them as markers, not symbols, so they change no position, and the block stays equal to
    /// /proc/kallsyms line for line.
    mutating func collectExportMarkers() {
        for symbol in symbols {
            if let exported = BuiltObject.exportedName(fromMarker: symbol.name) { exports.insert(exported) }
        }
    }
}

/// The whole database, ready to be written.
public struct BuiltDatabase: Sendable, Equatable {
    /// vmlinux first (if any), then modules sorted by name (byte order).
    public private(set) var objects: [BuiltObject]

    public init(objects: [BuiltObject]) {
        let vmlinux = objects.filter { $0.name == "vmlinux" }
        let modules = objects.filter { $0.name != "vmlinux" }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.objects = vmlinux + modules
    }

    public func object(named name: String) -> BuiltObject? {
        let wanted = KLPNames.normalizeObject(name)
        return objects.first { $0.name == wanted }
    }
}
