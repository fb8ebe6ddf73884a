import KLPEngine

// Well-formed DWARF 4 for synthetic objects: .debug_abbrev, .debug_info and .debug_str, with the relocations
// gcc emits (string offsets against the .debug_str section symbol, addresses against the code sections'
// section symbols). Debug sections are most of a real livepatch's bytes and most of its relocations, and the
// converter must walk all of them, so the benchmark needs them at a realistic size; keeping them valid lets
// `readelf --debug-dump=info` check the generator.

struct SyntheticDebugInfo {
    /// A function the debug info describes: where its code is.
    struct Function {
        var name: String
        var section: SymbolID
        var offset: UInt64
        var size: UInt64
    }

    var abbrev = LittleEndianBytes()
    var info = LittleEndianBytes()
    var strings = LittleEndianBytes()
    var infoRelocations: [Relocation] = []
    private var stringOffsets: [String: UInt32] = [:]

    private enum Code {
        static let compileUnit: UInt64 = 1
        static let subprogram: UInt64 = 2
        static let variable: UInt64 = 3
        static let baseType: UInt64 = 4
    }

    /// Builds `units` compile units that together hold `entries` DIEs (functions first, then variables).
    /// `abbrevSymbol`, `stringSymbol`: the section symbols of .debug_abbrev and .debug_str.
    init(
        units: Int, entries: Int, functions: [Function], abbrevSymbol: SymbolID, stringSymbol: SymbolID,
        random: inout SyntheticSymbolList.Random
    ) {
        writeAbbreviations()
        let unitCount = max(1, units)
        for unit in 0..<unitCount {
            let first = entries * unit / unitCount
            let last = entries * (unit + 1) / unitCount
            writeUnit(
                index: unit, entries: first..<last, functions: functions, abbrevSymbol: abbrevSymbol,
                stringSymbol: stringSymbol, random: &random)
        }
    }

    private mutating func writeAbbreviations() {
        // (code, tag, children, [(attribute, form)])
        let table: [(UInt64, UInt64, UInt8, [(UInt64, UInt64)])] = [
            (Code.compileUnit, 0x11, 1, [(0x25, 0x0e), (0x13, 0x0b), (0x03, 0x0e), (0x11, 0x01), (0x12, 0x07)]),
            (Code.subprogram, 0x2e, 0, [(0x03, 0x0e), (0x3b, 0x05), (0x11, 0x01), (0x12, 0x07)]),
            (Code.variable, 0x34, 0, [(0x03, 0x0e), (0x3b, 0x05), (0x3f, 0x19)]),
            (Code.baseType, 0x24, 0, [(0x0b, 0x0b), (0x3e, 0x0b), (0x03, 0x0e)]),
        ]
        for (code, tag, children, attributes) in table {
            abbrev.uleb(code)
            abbrev.uleb(tag)
            abbrev.u8(children)
            for (attribute, form) in attributes {
                abbrev.uleb(attribute)
                abbrev.uleb(form)
            }
            abbrev.u8(0)
            abbrev.u8(0)
        }
        abbrev.u8(0)
    }

    private mutating func stringOffset(_ text: String) -> UInt32 {
        if let known = stringOffsets[text] { return known }
        let offset = UInt32(strings.count)
        strings.string(text)
        stringOffsets[text] = offset
        return offset
    }

    /// A DW_FORM_strp: four bytes of 0 and an R_X86_64_32 against .debug_str + offset.
    private mutating func strp(_ text: String, _ stringSymbol: SymbolID) {
        let offset = stringOffset(text)
        infoRelocations.append(
            Relocation(
                offset: UInt64(info.count), symbol: stringSymbol,
                type: RelocationType.X86_64.r32, addend: Int64(offset)))
        info.u32(0)
    }

    private mutating func address(_ symbol: SymbolID, _ offset: UInt64) {
        infoRelocations.append(
            Relocation(
                offset: UInt64(info.count), symbol: symbol, type: RelocationType.X86_64.r64,
                addend: Int64(offset)))
        info.u64(0)
    }

    private mutating func writeUnit(
        index: Int, entries: Range<Int>, functions: [Function], abbrevSymbol: SymbolID,
        stringSymbol: SymbolID, random: inout SyntheticSymbolList.Random
    ) {
        let start = info.count
        info.u32(0)  // unit_length, patched below
        info.u16(4)
        infoRelocations.append(
            Relocation(
                offset: UInt64(info.count), symbol: abbrevSymbol,
                type: RelocationType.X86_64.r32, addend: 0))
        info.u32(0)
        info.u8(8)

        info.uleb(Code.compileUnit)
        strp(
            "GNU C11 12.2.0 -mno-sse -mno-mmx -mno-80387 -mcmodel=kernel -O2 -fno-strict-aliasing -gdwarf-4",
            stringSymbol)
        info.u8(0x1d)  // DW_LANG_C11
        strp("livepatch/part\(index).c", stringSymbol)
        let anchor = functions.isEmpty ? nil : functions[index % functions.count]
        if let anchor { address(anchor.section, anchor.offset) } else { info.u64(0) }
        info.u64(anchor?.size ?? 0)

        for (k, name) in ["int", "long unsigned int", "char", "_Bool"].enumerated() {
            info.uleb(Code.baseType)
            info.u8([4, 8, 1, 1][k])
            info.u8([5, 7, 6, 2][k])
            strp(name, stringSymbol)
        }
        for entry in entries {
            let line = UInt16(truncatingIfNeeded: 10 + random.next() % 4000)
            if !functions.isEmpty, entry % 2 == 0 {
                let function = functions[(entry / 2) % functions.count]
                info.uleb(Code.subprogram)
                // Inlined helpers and their static copies: names recur, as in real debug info.
                strp(
                    entry < functions.count * 2 ? function.name : "\(function.name).part.\(entry % 97)",
                    stringSymbol)
                info.u16(line)
                address(function.section, function.offset)
                info.u64(function.size)
            } else {
                info.uleb(Code.variable)
                strp("var_\(entry % 5_003)_\(DebugWords.pick(&random))", stringSymbol)
                info.u16(line)
            }
        }
        info.u8(0)  // end of the unit's children

        let length = UInt32(info.count - start - 4)
        for k in 0..<4 { info.bytes[start + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
    }
}

enum DebugWords {
    static let words = [
        "state", "count", "flags", "lock", "list", "entry", "ops", "priv", "data", "len", "idx",
        "node", "queue", "timer", "work", "buf", "ctx", "dev", "irq", "page",
    ]
    static func pick(_ random: inout SyntheticSymbolList.Random) -> String {
        words[Int(random.next() % UInt64(words.count))]
    }
}
