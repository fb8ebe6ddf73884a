import KLPEngine

/// Deterministic synthetic symbols.klp files shaped like a distribution kernel's, for tests and benchmarks.
///
/// Realism that matters for the reader: many distinct names, module names with `-`, `__ksymtab_` lines for
/// vmlinux exports and `__export_symbol_` lines for module exports, undefined references repeated across
/// thousands of modules (nm lists `U` lines), and static homonyms with tens to hundreds of copies in one object.
public enum SyntheticSymbolList {
    public struct Shape: Sendable {
        public var vmlinuxSymbols: Int
        public var modules: Int
        public var symbolsPerModule: Int
        /// true: kallsyms order with `-<file>` markers and `order=kallsyms`; false: kbuild's name-sorted nm output.
        public var ordered: Bool
        public var seed: UInt64

        public init(vmlinuxSymbols: Int, modules: Int, symbolsPerModule: Int, ordered: Bool, seed: UInt64 = 1) {
            self.vmlinuxSymbols = vmlinuxSymbols
            self.modules = modules
            self.symbolsPerModule = symbolsPerModule
            self.ordered = ordered
            self.seed = seed
        }

        /// ~95,000 vmlinux symbols + ~520,000 module symbols in 4,000 modules (about 15 MB).
        public static func distribution(ordered: Bool = true) -> Shape {
            Shape(vmlinuxSymbols: 95_000, modules: 4_000, symbolsPerModule: 130, ordered: ordered)
        }
    }

    private static let words = [
        "cpu", "irq", "dev", "net", "skb", "page", "mem", "buf", "lock", "init", "exit", "read", "write", "probe",
        "remove", "state", "queue", "work", "timer", "list", "hash", "node", "ctx", "req", "resp", "reg", "dma",
        "pci", "usb", "hid", "nvme", "blk", "scsi", "tcp", "udp", "ip", "sock", "inode", "file", "dentry", "super",
        "mount", "sched", "task", "rq", "cgroup", "bpf", "trace", "event", "ops", "config", "table", "entry",
        "flags", "mode", "count", "size", "alloc", "free", "get", "put", "set", "show", "store",
    ]

    /// Static names that many compilation units define (kallsyms keeps each copy).
    private static let homonyms: [String] = {
        var names = [
            "__key", "_rs", "__already_done", "__print_once", "debug_show", "state_show", "cpu_notify",
            "__func__", "__warned", "enabled", "lock", "descriptor", "ops", "data", "init_once",
        ]
        for index in 0..<185 { names.append("__compound_literal.\(index)") }
        return names
    }()

    /// Names defined in (nearly) every module.
    private static let perModule = [
        "init_module", "cleanup_module", "__this_module", "__UNIQUE_ID_license",
        "__UNIQUE_ID_vermagic", "__mod_device_table",
    ]

    /// The file's bytes. The same shape always gives the same bytes.
    public static func make(_ shape: Shape) -> [UInt8] {
        var random = Random(seed: shape.seed)
        var out: [UInt8] = []
        out.reserveCapacity((shape.vmlinuxSymbols + shape.modules * shape.symbolsPerModule) * 26)
        out.append(
            contentsOf: (shape.ordered
                ? "klp-convert-symbol-data.0.1 order=kallsyms\n"
                : "klp-convert-symbol-data.0.1\n").utf8)

        func word() -> String { words[Int(random.next() % UInt64(words.count))] }
        /// Skewed pick: low indices much more often, so a few homonyms get hundreds of copies.
        func skewed(_ count: Int) -> Int {
            let u = Double(random.next() % 1_000_000) / 1_000_000
            return min(count - 1, Int(u * u * u * Double(count)))
        }

        // vmlinux: globals (a quarter exported), plus static homonyms.
        var vmlinuxGlobals: [String] = []
        var block: [String] = []
        var exports: [String] = []
        for index in 0..<shape.vmlinuxSymbols {
            if random.next() % 100 < 3 {
                block.append(homonyms[skewed(homonyms.count)])
                continue
            }
            let name = "\(word())_\(word())_\(word())_\(index)"
            block.append(name)
            vmlinuxGlobals.append(name)
            if random.next() % 4 == 0 { exports.append(name) }
        }
        emit("vmlinux", block, exports.map { "__ksymtab_" + $0 }, shape.ordered, &random, &out)

        // Modules.
        for module in 0..<shape.modules {
            let moduleName = random.next() % 10 == 0 ? "snd-\(word())-\(module)" : "mod_\(word())_\(module)"
            block.removeAll(keepingCapacity: true)
            var moduleExports: [String] = []
            block.append(contentsOf: perModule.prefix(2 + Int(random.next() % UInt64(perModule.count - 1))))
            while block.count < shape.symbolsPerModule {
                let roll = random.next() % 100
                if roll < 20, !vmlinuxGlobals.isEmpty {
                    // An undefined reference to a vmlinux symbol (skewed: printk-like names recur everywhere).
                    block.append(vmlinuxGlobals[skewed(min(vmlinuxGlobals.count, 2_000))])
                } else if roll < 25 {
                    block.append(homonyms[skewed(homonyms.count)])
                } else {
                    let name = "\(KLPNames.normalizeObject(moduleName))_\(word())_\(word())_\(block.count)"
                    block.append(name)
                    if roll >= 98 { moduleExports.append("__export_symbol_" + name) }
                }
            }
            emit(moduleName, block, moduleExports, shape.ordered, &random, &out)
        }
        return out
    }

    private static func emit(
        _ object: String, _ symbols: [String], _ markers: [String], _ ordered: Bool,
        _ random: inout Random, _ out: inout [UInt8]
    ) {
        out.append(UInt8(ascii: "*"))
        out.append(contentsOf: object.utf8)
        out.append(10)
        if ordered {
            // Symbols in generation order (stands for address order), a source-file marker every ~25 lines.
            var fileNumber = 0
            for (index, name) in symbols.enumerated() {
                if index % 25 == 0 {
                    out.append(contentsOf: "-\(object)_part\(fileNumber).c\n".utf8)
                    fileNumber += 1
                }
                out.append(contentsOf: name.utf8)
                out.append(10)
            }
            for marker in markers {
                out.append(contentsOf: marker.utf8)
                out.append(10)
            }
        } else {
            // nm -f posix: every name of the object (markers included) sorted byte-wise.
            let sorted = (symbols + markers).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            for name in sorted {
                out.append(contentsOf: name)
                out.append(10)
            }
        }
    }
}

extension SyntheticSymbolList {
    /// SplitMix64: small, fast, deterministic (Steele, Lea, Flood 2014); also used by tests to pick names.
    public struct Random: Sendable {
        private var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}
