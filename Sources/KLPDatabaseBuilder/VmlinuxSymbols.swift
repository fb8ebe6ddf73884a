import KLPEngine

/// The vmlinux block from a vmlinux ELF or a System.map: the symbols scripts/kallsyms.c puts in the kallsyms
/// table, in table order (by address). The kernel's walk for a name visits same-named entries by address
/// (`compare_names`: name, then address, then table index), so the rank of a homonym here is its position.
enum VmlinuxSymbols {
    struct Candidate {
        var name: String
        var type: Character
        var address: UInt64
        var file: String?
        var line: Int? = nil
    }

    /// From the symbol table of a linked vmlinux, classifying each symbol the way `nm` does for kallsyms.
    /// `places`: DWARF source places by symbol-table index (empty without debug info); they replace the STT_FILE
    /// base names.
    static func fromELF(_ scan: SymbolTableScan, rules: KernelRules, places: [Int: SourcePlace] = [:]) -> BuiltObject {
        var candidates: [Candidate] = []
        candidates.reserveCapacity(scan.symbols.count)
        scan.forEachSymbolWithSourceFile { offset, symbol, file in
            // nm hides section symbols; empty names have nothing to list.
            if symbol.type == .section || symbol.name.isEmpty { return }
            var type: Character
            switch symbol.shndx {
            case .undef: type = "U"
            case .abs: type = "A"
            case .common: type = "C"
            default:
                let index = Int(symbol.shndx.rawValue)
                guard !symbol.shndx.isReserved, index < scan.sections.count else { return }
                let flags = scan.sections[index].flags
                // Non-allocated sections (debug info, notes kept out of memory) are nm's N/n: never in kallsyms.
                if !flags.contains(.alloc) {
                    type = "N"
                } else if flags.contains(.execinstr) {
                    type = "T"
                } else {
                    type = "D"
                }
            }
            // nm's weak letters, which the table order looks at: V for weak objects, W for the rest.
            if symbol.binding == .weak && type != "U" {
                type = symbol.type == .object ? "V" : "W"
            }
            let place = places[offset + 1]
            candidates.append(
                Candidate(
                    name: symbol.name, type: type, address: symbol.value,
                    file: place?.path ?? file, line: place?.line))
        }
        // kallsyms reads `nm -n` output: at equal addresses nm lists names in byte order (LC_COLLATE=C).
        candidates.sort { a, b in
            a.address != b.address ? a.address < b.address : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        return order(candidates, rules: rules, source: scan.path)
    }

    /// One `address type name` line of System.map (exactly three fields: hexadecimal address, one-letter type,
    /// name; names have no spaces), or nil. Debian's placeholder line has more words and is not one.
    static func systemMapLine(_ line: ArraySlice<UInt8>) -> (address: UInt64, type: UInt8, name: ArraySlice<UInt8>)? {
        let fields = line.split(separator: 32, omittingEmptySubsequences: true)
        guard fields.count == 3, fields[1].count == 1,
            let address = UInt64(String(decoding: fields[0], as: UTF8.self), radix: 16)
        else { return nil }
        return (address, fields[1][fields[1].startIndex], fields[2])
    }

    /// From System.map (`nm -n` output filtered by scripts/mksysmap): `address type name` lines.
    static func fromSystemMap(_ text: [UInt8], path: String) throws(DatabaseBuildError) -> [Candidate] {
        var candidates: [Candidate] = []
        var lineNumber = 0
        for line in text.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            guard let parsed = systemMapLine(line) else {
                throw DatabaseBuildError(
                    path: path, line: lineNumber,
                    "not a System.map line (expected 'address type name')")
            }
            candidates.append(
                Candidate(
                    name: String(decoding: parsed.name, as: UTF8.self), type: Character(UnicodeScalar(parsed.type)),
                    address: parsed.address, file: nil))
        }
        guard !candidates.isEmpty else { throw DatabaseBuildError(path: path, line: nil, "System.map is empty") }
        return candidates
    }

    /// kallsyms' filters, then table order (`KallsymsTableOrder`); `candidates` are in `nm -n` order.
    static func order(_ candidates: [Candidate], rules: KernelRules, source: String) -> BuiltObject {
        var kept = candidates.enumerated().filter { _, c in
            KallsymsNameRules.keepsType(c.type, name: c.name) && !KallsymsNameRules.isIgnored(c.name)
        }
        if !rules.kallsymsAll {
            // Without --all-symbols only text and init text are kept (scripts/kallsyms.c symbol_valid); a symbol
            // at the very end of a range other than its end marker is dropped too (it may move between passes).
            var bounds: [String: UInt64] = [:]
            for c in candidates where ["_stext", "_etext", "_sinittext", "_einittext"].contains(c.name) {
                bounds[c.name] = c.address
            }
            let ranges: [(UInt64, UInt64, String)] = [("_stext", "_etext"), ("_sinittext", "_einittext")]
                .compactMap { s, e in bounds[s].flatMap { lo in bounds[e].map { (lo, $0, e) } } }
            kept = kept.filter { _, c in
                ranges.contains { lo, hi, endName in
                    c.address >= lo && c.address <= hi && (c.address != hi || c.name == endName)
                }
            }
        }
        kept.sort { a, b in
            if a.element.address != b.element.address { return a.element.address < b.element.address }
            return KallsymsTableOrder.tieOrder((a.element.name, a.element.type), (b.element.name, b.element.type))
                ?? (a.offset < b.offset)
        }
        var object = BuiltObject(name: "vmlinux", source: source)
        object.symbols = kept.map {
            BuiltSymbol(
                name: $0.element.name, file: $0.element.file, line: $0.element.line,
                address: $0.element.address)
        }
        object.collectExportMarkers()
        return object
    }
}
