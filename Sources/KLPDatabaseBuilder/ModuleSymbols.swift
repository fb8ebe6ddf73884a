import KLPEngine

/// What the database builder takes from one module file.
public enum ModuleReading: Sendable, Equatable {
    case module(BuiltObject)
    /// modinfo `livepatch=Y`: kbuild leaves livepatch modules out of symbols.klp, and so does the builder.
    case livepatch(name: String)
}

/// The symbols a kernel keeps for a module in `mod->kallsyms`, in the order `module_kallsyms_on_each_symbol`
/// walks them (§1.4 of the reference): `.ko` symbol-table order, only "core" symbols, as in
/// `is_core_symbol` (kernel/module/kallsyms.c, 6.1):
/// - a name, a section index that is not SHN_UNDEF and is below e_shnum (so no ABS, COMMON, FILE symbols);
/// - with CONFIG_KALLSYMS_ALL, anything in the per-cpu section `.data..percpu`;
/// - otherwise the section must be SHF_ALLOC after the loader's own changes (it clears SHF_ALLOC of `.modinfo`,
///   `__versions` and the per-cpu section), not an init section (`.init*`, and `.exit*` without
///   CONFIG_MODULE_UNLOAD), and, without CONFIG_KALLSYMS_ALL, SHF_EXECINSTR.
enum ModuleSymbols {
    /// `modinfo`: the scan's `.modinfo` strings, parsed once by the caller (which needs them to decide on DWARF).
    /// `places`: DWARF source places by symbol-table index (empty without debug info).
    static func read(
        _ scan: SymbolTableScan, modinfo: ModuleInfo, fallbackName: String, rules: KernelRules,
        places: [Int: SourcePlace] = [:]
    ) -> ModuleReading {
        let name = KLPNames.normalizeObject(modinfo.name ?? fallbackName)
        if modinfo.isLivepatch { return .livepatch(name: name) }

        let sections = scan.sections
        let percpu = sections.indices.dropFirst().first {
            sections[$0].name == ".data..percpu" && sections[$0].flags.contains(.alloc)
        }
        // Per-section verdict, computed once.
        var core = [Bool](repeating: false, count: sections.count)
        for i in sections.indices.dropFirst() {
            let s = sections[i]
            if i == percpu {
                core[i] = rules.kallsymsAll
                continue
            }
            guard s.flags.contains(.alloc), s.name != ".modinfo", s.name != "__versions" else { continue }
            if s.name.hasPrefix(".init") { continue }
            if !rules.moduleUnload && s.name.hasPrefix(".exit") { continue }
            if !rules.kallsymsAll && !s.flags.contains(.execinstr) { continue }
            core[i] = true
        }

        var object = BuiltObject(name: name, source: scan.path)
        object.symbols.reserveCapacity(scan.symbols.count)
        scan.forEachSymbolWithSourceFile { offset, symbol, file in
            // Export markers count wherever they are (`.export_symbol` is not SHF_ALLOC in 6.5+ objects); a
            // marker in a core section (6.1's `__ksymtab`) is also a kallsyms line and stays in place.
            if symbol.shndx != .undef, let exported = BuiltObject.exportedName(fromMarker: symbol.name) {
                object.exports.insert(exported)
            }
            let index = Int(symbol.shndx.rawValue)
            guard !symbol.name.isEmpty, symbol.shndx != .undef, index < sections.count, core[index]
            else { return }
            let place = places[offset + 1]
            object.symbols.append(BuiltSymbol(name: symbol.name, file: place?.path ?? file, line: place?.line))
        }
        return .module(object)
    }
}

/// The `.modinfo` strings the builder needs: `name=` (written by modpost into the .ko) and `livepatch=`.
struct ModuleInfo {
    var name: String?
    var isLivepatch = false

    init(_ scan: SymbolTableScan) {
        guard let bytes = scan.modinfo else { return }
        for entry in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix("name="), name == nil {
                let value = String(text.dropFirst(5))
                if !value.isEmpty { name = value }
            } else if text.hasPrefix("livepatch=") {
                // modpost treats any livepatch= tag as a livepatch module (kbuild's modules.livepatch).
                isLivepatch = true
            }
        }
    }
}
