import KLPEngine

// A deterministic stand-in for an installed kernel's module tree and System.map, shaped like a distribution's
// (4,000 modules of ~130 symbols in nested folders, 95,000 vmlinux symbols), for benchmarking the symbols.klp
// builder. Each module is an x86_64 ET_REL .ko with what the builder reads: a symbol table whose kept symbols
// are functions in .text (with static homonyms and FILE symbols), undefined references with relocations,
// __export_symbol_ markers, a .modinfo with name=, and .gnu.linkonce.this_module.

public enum SyntheticModuleTree {
    public struct Shape: Sendable {
        public var modules: Int
        public var symbolsPerModule: Int
        public var vmlinuxSymbols: Int
        public var seed: UInt64

        public init(modules: Int, symbolsPerModule: Int, vmlinuxSymbols: Int, seed: UInt64 = 11) {
            self.modules = modules
            self.symbolsPerModule = symbolsPerModule
            self.vmlinuxSymbols = vmlinuxSymbols
            self.seed = seed
        }

        public static let distribution = Shape(modules: 4_000, symbolsPerModule: 130, vmlinuxSymbols: 95_000)
    }

    /// One file of the tree: a path relative to the tree's root, and its bytes.
    public struct File: Sendable {
        public var path: String
        public var bytes: [UInt8]
    }

    private static let words = [
        "cpu", "irq", "dev", "net", "skb", "page", "mem", "buf", "lock", "init", "read",
        "write", "probe", "remove", "state", "queue", "work", "timer", "list", "hash", "pci",
        "usb", "hid", "nvme", "blk", "scsi", "sock", "inode", "file", "sched", "task",
    ]
    /// Static functions that many compilation units define.
    private static let homonyms = [
        "state_show", "debug_show", "cpu_notify", "init_once", "show", "store",
        "probe_one", "remove_one", "irq_handler", "work_fn", "timer_fn", "release",
    ]
    private static let folders = [
        "drivers/net", "drivers/gpu", "drivers/usb", "drivers/scsi", "drivers/media",
        "drivers/hid", "sound/pci", "fs", "net/netfilter", "crypto", "lib", "drivers/block",
    ]

    /// `System.map` (vmlinux, address order) followed by the module files under `kernel/`.
    public static func make(_ shape: Shape) throws -> [File] {
        var random = SyntheticSymbolList.Random(seed: shape.seed)
        func word() -> String { words[Int(random.next() % UInt64(words.count))] }

        // vmlinux: text symbols between _stext and _etext, a few data symbols (dropped by kallsyms' filter).
        var map: [UInt8] = []
        var vmlinuxGlobals: [String] = []
        var address: UInt64 = 0xffff_ffff_8100_0000
        func line(_ type: Character, _ name: String) {
            var hex = String(address, radix: 16)
            while hex.count < 16 { hex = "0" + hex }
            map.append(contentsOf: "\(hex) \(type) \(name)\n".utf8)
            address += 16 + random.next() % 256
        }
        line("T", "_stext")
        for index in 0..<shape.vmlinuxSymbols {
            if random.next() % 100 < 3 {
                line("t", homonyms[Int(random.next() % UInt64(homonyms.count))])
                continue
            }
            let name = "\(word())_\(word())_\(word())_\(index)"
            vmlinuxGlobals.append(name)
            line(random.next() % 5 == 0 ? "t" : "T", name)
        }
        line("T", "_etext")
        for index in 0..<(shape.vmlinuxSymbols / 20) { line("D", "vmlinux_data_\(index)") }
        var files = [File(path: "System.map", bytes: map)]

        for module in 0..<shape.modules {
            let name = random.next() % 10 == 0 ? "snd-\(word())-\(module)" : "mod_\(word())_\(module)"
            let folder = folders[module % folders.count]
            let bytes = try moduleObject(name: name, shape: shape, vmlinuxGlobals: vmlinuxGlobals, random: &random)
            files.append(File(path: "kernel/\(folder)/\(name).ko", bytes: bytes))
        }
        return files
    }

    private static func moduleObject(
        name: String, shape: Shape, vmlinuxGlobals: [String],
        random: inout SyntheticSymbolList.Random
    ) throws -> [UInt8] {
        let base = KLPNames.normalizeObject(name)
        var b = SyntheticObjectBuilder(path: name + ".ko", sourceFile: base + "_main.c")
        let count = max(4, shape.symbolsPerModule)
        let functionCount = count * 3 / 4
        let undefinedCount = count - functionCount

        // .text: 16 bytes per function, each calling an undefined symbol.
        var text = LittleEndianBytes()
        var relocations: [Relocation] = []
        var undefined: [SymbolID] = []
        for k in 0..<undefinedCount {
            let pick =
                vmlinuxGlobals.isEmpty
                ? "printk_\(k)" : vmlinuxGlobals[Int(random.next() % UInt64(vmlinuxGlobals.count))]
            if b.symbols.contains(where: { $0.name == pick }) { continue }
            undefined.append(
                b.addSymbol(
                    name: pick, binding: SymbolBinding.global, type: SymbolType.notype,
                    section: .undefined))
        }
        for k in 0..<functionCount {
            text.bytes += [0x0f, 0x1f, 0x44, 0x00, 0x00, 0xe8]
            if !undefined.isEmpty {
                relocations.append(
                    Relocation(
                        offset: UInt64(text.count), symbol: undefined[k % undefined.count],
                        type: RelocationType.X86_64.plt32, addend: -4))
            }
            text.u32(0)
            text.bytes += [0x31, 0xc0, 0xc3, 0xcc, 0xcc, 0xcc]
        }
        let textID = b.addSection(
            ".text", flags: [.alloc, .execinstr], alignment: 16,
            bytes: text.bytes)
        b.addRelocations(for: textID, relocations)

        // Locals first (statics, some homonyms, a FILE symbol per source file), then globals.
        var exported: [String] = []
        for k in 0..<functionCount {
            let local = k % 3 == 0
            if k % 25 == 0 {
                b.addSymbol(
                    name: "\(base)_part\(k / 25).c", binding: SymbolBinding.local, type: SymbolType.file,
                    section: .absolute)
            }
            let symbolName: String
            if local && random.next() % 4 == 0 {
                symbolName = homonyms[Int(random.next() % UInt64(homonyms.count))]
            } else {
                symbolName = "\(base)_\(words[k % words.count])_\(k)"
            }
            if !local && random.next() % 50 == 0 { exported.append(symbolName) }
            b.addSymbol(
                name: symbolName, binding: local ? SymbolBinding.local : SymbolBinding.global,
                type: SymbolType.function, section: .section(textID), value: UInt64(k * 16), size: 16)
        }

        var modinfo = LittleEndianBytes()
        for entry in [
            "license=GPL", "depends=", "retpoline=Y", "intree=Y", "name=\(base)",
            "vermagic=6.1.0-28-amd64 SMP preempt mod_unload modversions ",
        ] {
            modinfo.string(entry)
        }
        b.addSection(".modinfo", flags: SectionFlags.alloc, alignment: 1, bytes: modinfo.bytes)
        if !exported.isEmpty {
            let markers = b.addSection(
                ".export_symbol", flags: 0, alignment: 1,
                bytes: [UInt8](repeating: 0, count: exported.count * 8))
            for (k, symbol) in exported.enumerated() {
                b.addSymbol(
                    name: "__export_symbol_" + symbol, binding: SymbolBinding.local, type: SymbolType.object,
                    section: .section(markers), value: UInt64(k * 8), size: 8)
            }
        }
        var module = [UInt8](repeating: 0, count: 0x500)
        for (k, byte) in base.utf8.prefix(55).enumerated() { module[0x18 + k] = byte }
        let moduleID = b.addSection(
            ".gnu.linkonce.this_module", flags: [.alloc, .write],
            alignment: 64, bytes: module)
        b.addSymbol(
            name: "__this_module", binding: SymbolBinding.global, type: SymbolType.object,
            section: .section(moduleID), size: 0x500)
        return try ELFWriter.bytes(of: b.finish())
    }
}
